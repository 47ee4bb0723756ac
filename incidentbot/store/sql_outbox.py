"""SQL for the outbox, the reminders rows of messages owed to Slack; `SqlTransaction` inherits it.

Outbox rows have no commitment, so the partial unique index on (kind, subject_id, due_at) holds
them: one row per kind, subject and instant. Claiming given ids is a conditional UPDATE like every
other transition of the queue; on PostgreSQL it waits for a transaction that has the row locked
and then checks the condition again, so a row is never leased twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from incidentbot.incident.models import Role, RoleAssignment
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.store.sql_updates import _reminder, taken_over_attempts
from incidentbot.store.tables import reminders, role_assignments

PENDING = ReminderState.PENDING.value
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


class OutboxSql:
    db: Connection

    def _outbox_insert(self) -> Any:
        return postgresql.insert if self.db.dialect.name == "postgresql" else sqlite.insert

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
                self._outbox_insert()(reminders)
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

    def role_assignment_id(self, incident_id: int, role: Role) -> int | None:
        found = self.db.execute(
            select(role_assignments.c.id)
            .where(
                role_assignments.c.incident_id == incident_id,
                role_assignments.c.role == role.value,
                role_assignments.c.ended_at.is_(None),
            )
            .order_by(role_assignments.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return int(found) if found is not None else None

    def role_assignment(self, assignment_id: int) -> RoleAssignment | None:
        row = self.db.execute(
            select(role_assignments).where(role_assignments.c.id == assignment_id)
        ).one_or_none()
        if row is None:
            return None
        return RoleAssignment(
            incident_id=row.incident_id,
            role=Role(row.role),
            user_id=row.user_id,
            assigned_by=row.assigned_by,
            started_at=row.started_at,
            ended_at=row.ended_at,
        )
