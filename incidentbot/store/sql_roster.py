"""SQL for the roster's repository (`roles/ports.py`); `SqlTransaction` inherits it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from incidentbot.incident.models import Role, RoleAssignment, Roster
from incidentbot.store.rows import in_time_order
from incidentbot.store.tables import role_assignments


class RosterSql:
    db: Connection

    def roster(self, incident_id: int) -> Roster:
        return self.rosters([incident_id])[incident_id]

    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        found = {incident_id: Roster() for incident_id in incident_ids}
        rows = self.db.execute(
            select(role_assignments.c.incident_id, role_assignments.c.role, role_assignments.c.user_id).where(
                role_assignments.c.incident_id.in_(list(incident_ids)), role_assignments.c.ended_at.is_(None)
            )
        )
        for incident_id, role, user_id in rows:
            found[incident_id] = found[incident_id].with_holder(Role(role), user_id)
        return found

    def role_history(self, incident_id: int) -> list[RoleAssignment]:
        rows = self.db.execute(in_time_order(role_assignments, incident_id, role_assignments.c.started_at))
        return [_assignment(row) for row in rows]

    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        current = role_assignments.c
        relieved = self.db.execute(
            update(role_assignments)
            .where(current.incident_id == incident_id, current.role == role.value, current.ended_at.is_(None))
            .values(ended_at=at)
            .returning(current.user_id)
        ).scalar_one_or_none()
        self.db.execute(
            insert(role_assignments).values(
                incident_id=incident_id,
                role=role.value,
                user_id=user_id,
                assigned_by=assigned_by,
                started_at=at,
            )
        )
        return relieved

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
        return _assignment(row) if row is not None else None


def _assignment(row: Row[Any]) -> RoleAssignment:
    return RoleAssignment(
        incident_id=row.incident_id,
        role=Role(row.role),
        user_id=row.user_id,
        assigned_by=row.assigned_by,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )
