"""The repositories of updates and of next-update commitments (part of the `Transaction` port)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.update_rules import Update, UpdateDraft
from incidentbot.incident.view import IncidentView
from incidentbot.kernel import reminder_rows


@dataclass(frozen=True)
class NewCommitment:
    incident_id: int
    due_at: datetime
    made_by: str | None
    made_at: datetime
    source: CommitmentSource


NewReminder = reminder_rows.NewReminder
"""The leased queue's (`kernel/reminder_rows.py`), named here for the features that schedule reminders."""


@dataclass(frozen=True)
class NewUpdate:
    incident_id: int
    author_id: str
    posted_at: datetime
    draft: UpdateDraft


class UpdateRepository(Protocol):
    def add_update(self, new: NewUpdate) -> Update: ...
    def latest_update(self, incident_id: int) -> Update | None: ...
    def updates(self, incident_id: int) -> list[Update]: ...
    def set_update_message(self, update_id: int, message_ts: str) -> None: ...


class CommitmentRepository(Protocol):
    def add_commitment(self, new: NewCommitment) -> Commitment: ...
    def get_commitment(self, commitment_id: int, *, for_update: bool = False) -> Commitment | None: ...
    def live_commitment(self, incident_id: int, *, for_update: bool = False) -> Commitment | None:
        """The incident's current promise: the newest commitment not yet settled."""
        ...

    def commitments(self, incident_id: int) -> list[Commitment]: ...
    def mark_commitment_missed(self, commitment_id: int) -> bool:
        """open → missed; False when it was not open any more."""
        ...

    def settle_commitment(self, commitment_id: int, state: CommitmentState, at: datetime) -> bool:
        """End a live commitment; False when something else settled it first."""
        ...


class UpdatesWorkspace(Protocol):
    """What updates and nags say in Slack (part of the Workspace port)."""

    def post_update(self, view: IncidentView, update: Update) -> str:
        """Post the internal update in the incident channel; returns the message ts."""
        ...

    def send_nag(self, view: IncidentView, commitment: Commitment, owner: str) -> str:
        """DM the update's owner that the promised time has passed, with update and snooze buttons."""
        ...

    def post_nag_notice(self, view: IncidentView, commitment: Commitment, owner: str | None) -> None: ...
    def post_escalation(self, view: IncidentView, commitment: Commitment) -> None: ...
