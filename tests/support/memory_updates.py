"""In-memory updates, commitments and reminders for `MemoryStore` (same rules as the SQL mixin)."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from incidentbot.cadence.commitment_rules import Commitment, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewReminder, NewUpdate
from incidentbot.cadence.update_rules import Update
from incidentbot.kernel.reminder_rows import Reminder, ReminderState

PENDING = ReminderState.PENDING


@dataclass
class MemoryUpdates:
    update_rows: dict[int, Update] = field(default_factory=dict)
    commitment_rows: dict[int, Commitment] = field(default_factory=dict)
    reminder_rows: dict[int, Reminder] = field(default_factory=dict)
    row_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # updates

    def add_update(self, new: NewUpdate) -> Update:
        draft = new.draft.model_dump()
        draft["customer_text"] = draft["customer_text"] or None
        update = Update(
            id=next(self.row_ids),
            incident_id=new.incident_id,
            author_id=new.author_id,
            posted_at=new.posted_at,
            **draft,
        )
        self.update_rows[update.id] = update
        return update

    def latest_update(self, incident_id: int) -> Update | None:
        found = self.updates(incident_id)
        return found[-1] if found else None

    def updates(self, incident_id: int) -> list[Update]:
        return sorted(
            (u for u in self.update_rows.values() if u.incident_id == incident_id),
            key=lambda u: (u.posted_at, u.id),
        )

    def set_update_message(self, update_id: int, message_ts: str) -> None:
        if update := self.update_rows.get(update_id):
            self.update_rows[update_id] = update.model_copy(update={"message_ts": message_ts})

    # commitments

    def add_commitment(self, new: NewCommitment) -> Commitment:
        commitment = Commitment(
            id=next(self.row_ids),
            incident_id=new.incident_id,
            due_at=new.due_at,
            made_by=new.made_by,
            made_at=new.made_at,
            source=new.source,
        )
        self.commitment_rows[commitment.id] = commitment
        return commitment

    def get_commitment(self, commitment_id: int, *, for_update: bool = False) -> Commitment | None:
        return self.commitment_rows.get(commitment_id)

    def live_commitment(self, incident_id: int, *, for_update: bool = False) -> Commitment | None:
        live = [c for c in self.commitments(incident_id) if c.settled_at is None]
        return live[-1] if live else None

    def commitments(self, incident_id: int) -> list[Commitment]:
        return sorted(
            (c for c in self.commitment_rows.values() if c.incident_id == incident_id),
            key=lambda c: (c.made_at, c.id),
        )

    def mark_commitment_missed(self, commitment_id: int) -> bool:
        current = self.commitment_rows.get(commitment_id)
        if current is None or current.state is not CommitmentState.OPEN:
            return False
        self.commitment_rows[commitment_id] = current.model_copy(update={"state": CommitmentState.MISSED})
        return True

    def settle_commitment(self, commitment_id: int, state: CommitmentState, at: datetime) -> bool:
        current = self.commitment_rows.get(commitment_id)
        if current is None or current.settled_at is not None:
            return False
        self.commitment_rows[commitment_id] = current.model_copy(update={"state": state, "settled_at": at})
        return True

    # reminders

    def add_reminder(self, new: NewReminder) -> Reminder | None:
        if self._taken(new):
            return None
        hold = new.not_before if new.not_before and new.not_before > new.due_at else None
        reminder = Reminder(
            id=next(self.row_ids),
            kind=new.kind,
            incident_id=new.incident_id,
            commitment_id=new.commitment_id,
            subject_id=new.subject_id,
            due_at=new.due_at,
            claimed_until=hold,
        )
        self.reminder_rows[reminder.id] = reminder
        return reminder

    def _taken(self, new: NewReminder) -> bool:
        """The SQL store's two unique indexes: one row per kind, commitment, subject and time, and
        one per kind, subject and time among rows without a commitment. A NULL never collides."""
        if new.subject_id is None:
            return False
        return any(
            (r.kind, r.subject_id, r.due_at, r.commitment_id)
            == (new.kind, new.subject_id, new.due_at, new.commitment_id)
            for r in self.reminder_rows.values()
        )

    def claim_reminders(
        self, worker: str, now: datetime, until: datetime, limit: int, kinds: Collection[str] | None = None
    ) -> list[Reminder]:
        due = sorted(
            (
                r
                for r in self.reminder_rows.values()
                if r.state is PENDING
                and r.due_at <= now
                and (r.claimed_until is None or r.claimed_until <= now)
                and (kinds is None or r.kind in kinds)
            ),
            key=lambda r: (r.due_at, r.id),
        )[:limit]
        claimed = [r.model_copy(update=claimed_values(r, worker, until)) for r in due]
        for reminder in claimed:
            self.reminder_rows[reminder.id] = reminder
        return claimed

    def _held(self, reminder_id: int, worker: str) -> Reminder | None:
        current = self.reminder_rows.get(reminder_id)
        return current if current and current.state is PENDING and current.claimed_by == worker else None

    def renew_claim(self, reminder_id: int, worker: str, until: datetime) -> bool:
        held = self._held(reminder_id, worker)
        if held:
            self.reminder_rows[reminder_id] = held.model_copy(update={"claimed_until": until})
        return held is not None

    def finish_reminder(self, reminder_id: int, worker: str, state: ReminderState, at: datetime) -> bool:
        held = self._held(reminder_id, worker)
        if held:
            fired = at if state is ReminderState.DONE else None
            self.reminder_rows[reminder_id] = held.model_copy(update={"state": state, "fired_at": fired})
        return held is not None

    def release_reminder(self, reminder_id: int, worker: str, retry_at: datetime, error: str) -> None:
        held = self._held(reminder_id, worker)
        if held:
            self.reminder_rows[reminder_id] = held.model_copy(
                update={
                    "claimed_by": None,
                    "claimed_until": retry_at,
                    "attempts": held.attempts + 1,
                    "last_error": error[:500],
                }
            )

    def cancel_reminders(self, commitment_id: int, at: datetime) -> int:
        pending = [
            r for r in self.reminder_rows.values() if r.commitment_id == commitment_id and r.state is PENDING
        ]
        for r in pending:
            self.reminder_rows[r.id] = r.model_copy(
                update={"state": ReminderState.CANCELLED, "claimed_by": None, "claimed_until": None}
            )
        return len(pending)

    def reminders(self, incident_id: int) -> list[Reminder]:
        return sorted(
            (r for r in self.reminder_rows.values() if r.incident_id == incident_id),
            key=lambda r: (r.due_at, r.id),
        )


def claimed_values(row: Reminder, worker: str, until: datetime) -> dict[str, object]:
    """A claim's changes to `row`; taking over a lapsed lease counts as an attempt, as in SQL."""
    attempts = row.attempts + 1 if row.claimed_by is not None else row.attempts
    return {"claimed_by": worker, "claimed_until": until, "attempts": attempts}
