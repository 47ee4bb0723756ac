"""In-memory role assignments for `MemoryStore` (`roles/ports.py`; the SQL store's is
`store/sql_roster.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from incidentbot.incident.models import Role, RoleAssignment, Roster


class MemoryRoster:
    """Mixed into MemoryStore, whose `assignments` these are; an assignment's id is its place in
    the list, counted from 1."""

    assignments: list[RoleAssignment]

    def roster(self, incident_id: int) -> Roster:
        roster = Roster()
        for a in self.assignments:
            if a.incident_id == incident_id and a.ended_at is None:
                roster = roster.with_holder(a.role, a.user_id)
        return roster

    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        return {incident_id: self.roster(incident_id) for incident_id in incident_ids}

    def role_history(self, incident_id: int) -> list[RoleAssignment]:
        return sorted(
            (a for a in self.assignments if a.incident_id == incident_id), key=lambda a: a.started_at
        )

    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        relieved = None
        for index, a in enumerate(self.assignments):
            if a.incident_id == incident_id and a.role == role and a.ended_at is None:
                relieved = a.user_id
                self.assignments[index] = a.model_copy(update={"ended_at": at})
        self.assignments.append(
            RoleAssignment(
                incident_id=incident_id, role=role, user_id=user_id, assigned_by=assigned_by, started_at=at
            )
        )
        return relieved

    def role_assignment_id(self, incident_id: int, role: Role) -> int | None:
        current = [
            index
            for index, a in enumerate(self.assignments, start=1)
            if a.incident_id == incident_id and a.role == role and a.ended_at is None
        ]
        return current[-1] if current else None

    def role_assignment(self, assignment_id: int) -> RoleAssignment | None:
        if 1 <= assignment_id <= len(self.assignments):
            return self.assignments[assignment_id - 1]
        return None
