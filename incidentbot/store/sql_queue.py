"""SQL for the leased queue (`kernel/queue_ports.py`): every row of the reminders table.

Reminders are a queue shared by every bot process. A claim is one statement that leases due rows
to a worker: on PostgreSQL the candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so two
processes never pick the same row and never wait for each other; on SQLite the database has a
single writer, and the guard repeated in the UPDATE's WHERE decides under that writer's lock.
Every later step (renew, finish) is conditional on the worker still holding the lease.

Outbox rows have no commitment, so the partial unique index on (kind, subject_id, due_at) holds
them: one row per kind, subject and instant. Claiming given ids is a conditional UPDATE like every
other transition of the queue; on PostgreSQL it waits for a transaction that has the row locked
and then checks the condition again, so a row is never leased twice.

Housekeeping deletes one bounded batch per call (`rows.delete_chosen`). A finished row never
becomes pending again, so a row chosen stays removable. No index was added for it: the search may
use `ix_reminders_due (state, due_at)`, stops as soon as a batch is full, and runs hourly.
`SqlTransaction` inherits this class.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, case, insert, or_, select, true, update

from incidentbot.incident.models import SetupState
from incidentbot.kernel.reminder_rows import NewReminder, Reminder, ReminderState
from incidentbot.store.rows import delete_chosen, dialect_insert, in_time_order
from incidentbot.store.tables import incidents, reminders

PENDING = ReminderState.PENDING.value
FINISHED = [ReminderState.DONE.value, ReminderState.CANCELLED.value]
_TICK = timedelta(microseconds=1)
_INSERT_ATTEMPTS = 5


def request_row(
    kind: str, payload: str, received_at: datetime, hold_until: datetime, leased_to: str | None = None
) -> dict[str, Any]:
    """The values of a journalled request's row; with no subject, it never collides with another."""
    return {
        "kind": kind,
        "due_at": received_at,
        "state": PENDING,
        "claimed_by": leased_to,
        "claimed_until": hold_until,
        "attempts": 0,
        "payload": payload,
    }


class QueueSql:
    db: Connection

    # reminders -------------------------------------------------------------------------------

    def add_reminder(self, new: NewReminder) -> Reminder | None:
        hold = new.not_before if new.not_before and new.not_before > new.due_at else None
        stmt = (
            dialect_insert(self.db)(reminders)
            .values(
                kind=new.kind,
                incident_id=new.incident_id,
                commitment_id=new.commitment_id,
                subject_id=new.subject_id,
                due_at=new.due_at,
                state=PENDING,
                claimed_until=hold,
                attempts=0,
            )
            # No conflict target: a row without a commitment is held by the other unique index
            # (one per kind, subject and time), and a repeat there is a repeat too, not an error.
            .on_conflict_do_nothing()
            .returning(reminders)
        )
        row = self.db.execute(stmt).one_or_none()
        return _reminder(row) if row else None

    def claim_reminders(
        self, worker: str, now: datetime, until: datetime, limit: int, kinds: Collection[str] | None = None
    ) -> list[Reminder]:
        due = and_(
            reminders.c.state == PENDING,
            reminders.c.due_at <= now,
            or_(reminders.c.claimed_until.is_(None), reminders.c.claimed_until <= now),
            true() if kinds is None else reminders.c.kind.in_(list(kinds)),
        )
        candidates = select(reminders.c.id).where(due).order_by(reminders.c.due_at).limit(limit)
        if self.db.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        # A CTE runs once; PostgreSQL may re-run an `IN (subquery … LIMIT)` and take more than `limit`.
        chosen = candidates.cte("chosen")
        rows = self.db.execute(
            update(reminders)
            .where(reminders.c.id == chosen.c.id, due)
            .values(claimed_by=worker, claimed_until=until, attempts=taken_over_attempts())
            .returning(reminders)
        )
        return sorted((_reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))

    def renew_claim(self, reminder_id: int, worker: str, until: datetime) -> bool:
        done = self.db.execute(
            update(reminders)
            .where(
                reminders.c.id == reminder_id,
                reminders.c.state == PENDING,
                reminders.c.claimed_by == worker,
            )
            .values(claimed_until=until)
        )
        return bool(done.rowcount)

    def finish_reminder(self, reminder_id: int, worker: str, state: ReminderState, at: datetime) -> bool:
        done = self.db.execute(
            update(reminders)
            .where(
                reminders.c.id == reminder_id, reminders.c.state == PENDING, reminders.c.claimed_by == worker
            )
            .values(state=state.value, fired_at=at if state is ReminderState.DONE else None)
        )
        return bool(done.rowcount)

    def release_reminder(self, reminder_id: int, worker: str, retry_at: datetime, error: str) -> None:
        self.db.execute(
            update(reminders)
            .where(
                reminders.c.id == reminder_id, reminders.c.state == PENDING, reminders.c.claimed_by == worker
            )
            .values(
                claimed_by=None,
                claimed_until=retry_at,
                attempts=reminders.c.attempts + 1,
                last_error=error[:500],
            )
        )

    def cancel_reminders(self, commitment_id: int, at: datetime) -> int:
        done = self.db.execute(
            update(reminders)
            .where(reminders.c.commitment_id == commitment_id, reminders.c.state == PENDING)
            .values(state=ReminderState.CANCELLED.value, claimed_by=None, claimed_until=None)
        )
        return int(done.rowcount)

    def reminders(self, incident_id: int) -> list[Reminder]:
        rows = self.db.execute(in_time_order(reminders, incident_id, reminders.c.due_at))
        return [_reminder(row) for row in rows]

    # outbox rows and journalled requests -----------------------------------------------------

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
        same = and_(
            reminders.c.kind == kind,
            reminders.c.subject_id == subject_id,
            reminders.c.commitment_id.is_(None),
        )
        for _ in range(_INSERT_ATTEMPTS):
            latest = self.db.execute(
                select(reminders.c.due_at).where(same).order_by(reminders.c.due_at.desc()).limit(1)
            ).scalar_one_or_none()
            at = due_at if latest is None or latest < due_at else latest + _TICK
            stmt = (
                dialect_insert(self.db)(reminders)
                .values(
                    kind=kind,
                    incident_id=incident_id,
                    commitment_id=None,
                    subject_id=subject_id,
                    due_at=at,
                    state=PENDING,
                    claimed_by=leased_to,
                    claimed_until=hold_until if leased_to or hold_until > at else None,
                    attempts=0,
                    payload=payload,
                )
                .on_conflict_do_nothing(
                    index_elements=[reminders.c.kind, reminders.c.subject_id, reminders.c.due_at],
                    index_where=reminders.c.commitment_id.is_(None),
                )
                .returning(reminders)
            )
            row = self.db.execute(stmt).one_or_none()
            if row is not None:
                return _reminder(row)
        raise RuntimeError(f"could not queue {kind} for {subject_id}: its instants kept being taken")

    def add_request_row(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        values = request_row(kind, payload, received_at, hold_until, leased_to)
        row = self.db.execute(insert(reminders).values(values).returning(reminders)).one()
        return _reminder(row)

    def outbox_rows(self, kind: str, subject_id: int) -> list[Reminder]:
        rows = self.db.execute(
            select(reminders)
            .where(
                reminders.c.kind == kind,
                reminders.c.subject_id == subject_id,
                reminders.c.commitment_id.is_(None),
            )
            .order_by(reminders.c.id)
        )
        return [_reminder(row) for row in rows]

    def unstarted_outbox_row(self, kind: str, subject_id: int) -> Reminder | None:
        query = (
            select(reminders)
            .where(
                reminders.c.kind == kind,
                reminders.c.subject_id == subject_id,
                reminders.c.commitment_id.is_(None),
                reminders.c.state == PENDING,
                reminders.c.claimed_by.is_(None),
            )
            .order_by(reminders.c.id)
            .limit(1)
        )
        if self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _reminder(row) if row else None

    def claim_reminder_ids(
        self, ids: Sequence[int], worker: str, now: datetime, until: datetime
    ) -> list[Reminder]:
        if not ids:
            return []
        rows = self.db.execute(
            update(reminders)
            .where(
                reminders.c.id.in_(list(ids)),
                reminders.c.state == PENDING,
                or_(reminders.c.claimed_by.is_(None), reminders.c.claimed_until <= now),
            )
            .values(claimed_by=worker, claimed_until=until, attempts=taken_over_attempts())
            .returning(reminders)
        )
        return sorted((_reminder(row) for row in rows), key=lambda r: r.id)

    # housekeeping ----------------------------------------------------------------------------

    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        settled_incidents = select(incidents.c.id).where(
            incidents.c.resolved_at < resolved_before,
            incidents.c.setup_state == SetupState.READY.value,
        )
        removable = and_(
            reminders.c.state.in_(FINISHED),
            reminders.c.due_at < finished_before,
            _before_or_empty(reminders.c.fired_at, finished_before),
            _before_or_empty(reminders.c.claimed_until, finished_before),
            or_(reminders.c.incident_id.is_(None), reminders.c.incident_id.in_(settled_incidents)),
        )
        chosen = select(reminders.c.id).where(removable).limit(limit)
        return delete_chosen(self.db, reminders.c.id, chosen)


def taken_over_attempts() -> Any:
    """`attempts` as a claim leaves it: one more when the row was leased to a worker before (its
    lease ran out, and it may have sent the message before it stopped)."""
    return case((reminders.c.claimed_by.is_not(None), reminders.c.attempts + 1), else_=reminders.c.attempts)


def _reminder(row: Row[Any]) -> Reminder:
    data = dict(row._mapping)
    data["state"] = ReminderState(data["state"])
    return Reminder.model_validate(data)


def _before_or_empty(column: Any, moment: datetime) -> ColumnElement[bool]:
    return or_(column.is_(None), column < moment)
