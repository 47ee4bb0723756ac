"""The repositories of updates and of next-update commitments (part of the `Transaction` port),
and what the cadence says in Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.update_rules import Update, UpdateDraft
from incidentbot.incident.view import IncidentView
from incidentbot.kernel import reminder_rows
from incidentbot.kernel.messages import Messages


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


class CadenceMessages(Protocol):
    """What updates and nags say in Slack, with their buttons (`cadence/slack_messages.py`)."""

    def post_update(self, view: IncidentView, update: Update) -> str:
        """Post the internal update in the incident channel; returns the message ts."""
        ...

    def send_nag(self, view: IncidentView, commitment: Commitment, owner: str) -> str:
        """DM the update's owner that the promised time has passed, with update and snooze buttons."""
        ...

    def show_snoozed(self, view: IncidentView, commitment: Commitment, channel: str, ts: str) -> None:
        """Edit the nag DM at `channel`/`ts` to say it is snoozed, keeping the update button."""
        ...

    def post_nag_notice(self, view: IncidentView, commitment: Commitment, owner: str | None) -> None:
        """Tell the incident channel the update is overdue, and whom it was asked of."""
        ...

    def post_escalation(self, view: IncidentView, commitment: Commitment) -> None:
        """Tell the incident channel the update is still missing after the grace."""
        ...


CADENCE_MESSAGES: Messages[CadenceMessages] = Messages("cadence")
"""Where the cadence finds its messages: `CADENCE_MESSAGES.of(services)` (`kernel/messages.py`)."""
