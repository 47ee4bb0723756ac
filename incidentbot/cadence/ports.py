"""Store operations for updates, next-update commitments and reminders (part of the Transaction port)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.update_rules import Update, UpdateDraft
from incidentbot.incident.view import IncidentView
from incidentbot.kernel.reminder_rows import Reminder, ReminderState


@dataclass(frozen=True)
class NewCommitment:
    incident_id: int
    due_at: datetime
    made_by: str | None
    made_at: datetime
    source: CommitmentSource


@dataclass(frozen=True)
class NewReminder:
    kind: str
    due_at: datetime
    incident_id: int | None = None
    commitment_id: int | None = None
    subject_id: int | None = None
    not_before: datetime | None = None
    """Nobody takes it before this time (stored as `claimed_until` of an unclaimed row)."""


@dataclass(frozen=True)
class NewUpdate:
    incident_id: int
    author_id: str
    posted_at: datetime
    draft: UpdateDraft


class UpdatesTransaction(Protocol):
    # updates
    def add_update(self, new: NewUpdate) -> Update: ...
    def latest_update(self, incident_id: int) -> Update | None: ...
    def updates(self, incident_id: int) -> list[Update]: ...
    def set_update_message(self, update_id: int, message_ts: str) -> None: ...

    # commitments
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

    # reminders
    def add_reminder(self, new: NewReminder) -> Reminder | None:
        """None when the same (kind, commitment, subject, due time) already exists."""
        ...

    def claim_reminders(
        self, worker: str, now: datetime, until: datetime, limit: int, kinds: Collection[str] | None = None
    ) -> list[Reminder]:
        """Lease up to `limit` due, unleased, pending reminders to `worker`, oldest first; with
        `kinds`, only rows of those kinds. A row taken over from a worker whose lease ran out
        counts as an attempt (`attempts` + 1): that worker may have sent its message already."""
        ...

    def renew_claim(self, reminder_id: int, worker: str, until: datetime) -> bool:
        """Extend the lease; False when the reminder is no longer pending and held by `worker`."""
        ...

    def finish_reminder(self, reminder_id: int, worker: str, state: ReminderState, at: datetime) -> bool:
        """pending → done/cancelled, only while `worker` holds it."""
        ...

    def release_reminder(self, reminder_id: int, worker: str, retry_at: datetime, error: str) -> None:
        """Give a failed delivery back, to be taken again from `retry_at`."""
        ...

    def cancel_reminders(self, commitment_id: int, at: datetime) -> int:
        """Cancel every pending reminder about this commitment; how many were cancelled."""
        ...

    def reminders(self, incident_id: int) -> list[Reminder]: ...


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
