"""SQL for updates, commitments and reminders; `SqlTransaction` inherits it.

Reminders are a queue shared by every bot process. A claim is one statement that leases due rows
to a worker: on PostgreSQL the candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so two
processes never pick the same row and never wait for each other; on SQLite the database has a
single writer, and the guard repeated in the UPDATE's WHERE decides under that writer's lock.
Every later step (renew, finish) is conditional on the worker still holding the lease.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, case, insert, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewReminder, NewUpdate
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.store.rows import in_time_order
from incidentbot.store.tables import commitments, reminders, updates

PENDING = ReminderState.PENDING.value


class UpdatesSql:
    db: Connection

    def _insert_ignoring_duplicates(self) -> Any:
        return postgresql.insert if self.db.dialect.name == "postgresql" else sqlite.insert

    # updates -------------------------------------------------------------------------------

    def add_update(self, new: NewUpdate) -> Update:
        draft = new.draft
        row = self.db.execute(
            insert(updates)
            .values(
                incident_id=new.incident_id,
                author_id=new.author_id,
                posted_at=new.posted_at,
                status=draft.status.value,
                severity=int(draft.severity),
                theory=draft.theory,
                tried=draft.tried,
                doing=draft.doing,
                impact=draft.impact,
                customer_text=draft.customer_text or None,
                next_update_at=draft.next_update_at,
            )
            .returning(updates)
        ).one()
        return _update(row)

    def latest_update(self, incident_id: int) -> Update | None:
        row = self.db.execute(
            select(updates)
            .where(updates.c.incident_id == incident_id)
            .order_by(updates.c.posted_at.desc(), updates.c.id.desc())
            .limit(1)
        ).one_or_none()
        return _update(row) if row else None

    def updates(self, incident_id: int) -> list[Update]:
        rows = self.db.execute(in_time_order(updates, incident_id, updates.c.posted_at))
        return [_update(row) for row in rows]

    def set_update_message(self, update_id: int, message_ts: str) -> None:
        self.db.execute(update(updates).where(updates.c.id == update_id).values(message_ts=message_ts))

    # commitments ---------------------------------------------------------------------------

    def add_commitment(self, new: NewCommitment) -> Commitment:
        row = self.db.execute(
            insert(commitments)
            .values(
                incident_id=new.incident_id,
                due_at=new.due_at,
                made_by=new.made_by,
                made_at=new.made_at,
                source=new.source.value,
                state=CommitmentState.OPEN.value,
            )
            .returning(commitments)
        ).one()
        return _commitment(row)

    def get_commitment(self, commitment_id: int, *, for_update: bool = False) -> Commitment | None:
        query = select(commitments).where(commitments.c.id == commitment_id)
        if for_update and self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _commitment(row) if row else None

    def live_commitment(self, incident_id: int, *, for_update: bool = False) -> Commitment | None:
        query = (
            select(commitments)
            .where(commitments.c.incident_id == incident_id, commitments.c.settled_at.is_(None))
            .order_by(commitments.c.made_at.desc(), commitments.c.id.desc())
            .limit(1)
        )
        if for_update and self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _commitment(row) if row else None

    def commitments(self, incident_id: int) -> list[Commitment]:
        rows = self.db.execute(in_time_order(commitments, incident_id, commitments.c.made_at))
        return [_commitment(row) for row in rows]

    def mark_commitment_missed(self, commitment_id: int) -> bool:
        done = self.db.execute(
            update(commitments)
            .where(commitments.c.id == commitment_id, commitments.c.state == CommitmentState.OPEN.value)
            .values(state=CommitmentState.MISSED.value)
        )
        return bool(done.rowcount)

    def settle_commitment(self, commitment_id: int, state: CommitmentState, at: datetime) -> bool:
        done = self.db.execute(
            update(commitments)
            .where(commitments.c.id == commitment_id, commitments.c.settled_at.is_(None))
            .values(state=state.value, settled_at=at)
        )
        return bool(done.rowcount)

    # reminders -----------------------------------------------------------------------------

    def add_reminder(self, new: NewReminder) -> Reminder | None:
        hold = new.not_before if new.not_before and new.not_before > new.due_at else None
        stmt = (
            self._insert_ignoring_duplicates()(reminders)
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


def taken_over_attempts() -> Any:
    """`attempts` as a claim leaves it: one more when the row was leased to a worker before (its
    lease ran out, and it may have sent the message before it stopped)."""
    return case((reminders.c.claimed_by.is_not(None), reminders.c.attempts + 1), else_=reminders.c.attempts)


def _update(row: Row[Any]) -> Update:
    data = dict(row._mapping)
    data["status"] = Status(data["status"])
    data["severity"] = Severity(data["severity"])
    return Update.model_validate(data)


def _commitment(row: Row[Any]) -> Commitment:
    data = dict(row._mapping)
    data["source"] = CommitmentSource(data["source"])
    data["state"] = CommitmentState(data["state"])
    return Commitment.model_validate(data)


def _reminder(row: Row[Any]) -> Reminder:
    data = dict(row._mapping)
    data["state"] = ReminderState(data["state"])
    return Reminder.model_validate(data)
