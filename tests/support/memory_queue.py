"""The in-memory leased queue for `MemoryStore`: reminder, outbox and request rows, their lease and
the housekeeping delete (`kernel/queue_ports.py`; the SQL store's is `store/sql_queue.py`), with
the same rules as the SQL store's unique indexes and deletes."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime, timedelta

from incidentbot.cadence.ports import NewReminder
from incidentbot.incident.models import Incident, SetupState
from incidentbot.kernel.reminder_rows import Reminder, ReminderState

PENDING = ReminderState.PENDING
FINISHED = {ReminderState.DONE.value, ReminderState.CANCELLED.value}
_TICK = timedelta(microseconds=1)


class MemoryQueue:
    """Mixed into MemoryStore, whose `reminder_rows` and `row_ids` these are; housekeeping reads
    its `incidents`."""

    reminder_rows: dict[int, Reminder]
    row_ids: Iterator[int]
    incidents: dict[int, Incident]

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

    def add_outbox_row(
        self,
        kind: str,
        incident_id: int | None,
        subject_id: int,
        due_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
        payload: str | None = None,
    ) -> Reminder:
        # The same rule as the SQL store's partial unique index: one row per kind, subject, instant.
        taken = [r.due_at for r in self.outbox_rows(kind, subject_id)]
        at = due_at if not taken or max(taken) < due_at else max(taken) + _TICK
        reminder = Reminder(
            id=next(self.row_ids),
            kind=kind,
            incident_id=incident_id,
            subject_id=subject_id,
            due_at=at,
            claimed_by=leased_to,
            claimed_until=hold_until if leased_to or hold_until > at else None,
            payload=payload,
        )
        self.reminder_rows[reminder.id] = reminder
        return reminder

    def add_request_row(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        reminder = Reminder(
            id=next(self.row_ids),
            kind=kind,
            due_at=received_at,
            claimed_by=leased_to,
            claimed_until=hold_until,
            payload=payload,
        )
        self.reminder_rows[reminder.id] = reminder
        return reminder

    def outbox_rows(self, kind: str, subject_id: int) -> list[Reminder]:
        return sorted(
            (
                r
                for r in self.reminder_rows.values()
                if r.kind == kind and r.subject_id == subject_id and r.commitment_id is None
            ),
            key=lambda r: r.id,
        )

    def unstarted_outbox_row(self, kind: str, subject_id: int) -> Reminder | None:
        waiting = [
            r for r in self.outbox_rows(kind, subject_id) if r.state is PENDING and r.claimed_by is None
        ]
        return waiting[0] if waiting else None

    def claim_reminder_ids(
        self, ids: Sequence[int], worker: str, now: datetime, until: datetime
    ) -> list[Reminder]:
        claimed = []
        for reminder_id in sorted(set(ids)):
            row = self.reminder_rows.get(reminder_id)
            if row is None or row.state is not PENDING:
                continue
            if row.claimed_by is not None and row.claimed_until is not None and row.claimed_until > now:
                continue
            row = row.model_copy(update=claimed_values(row, worker, until))
            self.reminder_rows[reminder_id] = row
            claimed.append(row)
        return claimed

    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        removable = [
            row_id
            for row_id, row in self.reminder_rows.items()
            if row.state in FINISHED
            and self._old(finished_before, row.due_at, row.fired_at, row.claimed_until)
            and self._settled(row.incident_id, resolved_before)
        ][:limit]
        for row_id in removable:
            del self.reminder_rows[row_id]
        return len(removable)

    @staticmethod
    def _old(before: datetime, *moments: datetime | None) -> bool:
        return all(moment is None or moment < before for moment in moments)

    def _settled(self, incident_id: int | None, resolved_before: datetime) -> bool:
        if incident_id is None:
            return True
        incident = self.incidents.get(incident_id)
        return (
            incident is not None
            and incident.setup_state is SetupState.READY
            and incident.resolved_at is not None
            and incident.resolved_at < resolved_before
        )


def claimed_values(row: Reminder, worker: str, until: datetime) -> dict[str, object]:
    """A claim's changes to `row`; taking over a lapsed lease counts as an attempt, as in SQL."""
    attempts = row.attempts + 1 if row.claimed_by is not None else row.attempts
    return {"claimed_by": worker, "claimed_until": until, "attempts": attempts}
