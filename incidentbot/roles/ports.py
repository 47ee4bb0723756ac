"""The roster's repository: who holds which role of an incident, and who held it before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from incidentbot.incident.models import Role, RoleAssignment, Roster


class RosterRepository(Protocol):
    def roster(self, incident_id: int) -> Roster: ...
    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        """Current roles of many incidents in one query."""
        ...

    def role_history(self, incident_id: int) -> list[RoleAssignment]: ...
    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        """Record the new holder, relieve the previous one; returns who was relieved."""
        ...

    def role_assignment_id(self, incident_id: int, role: Role) -> int | None:
        """The row of whoever holds `role` now."""
        ...

    def role_assignment(self, assignment_id: int) -> RoleAssignment | None: ...
