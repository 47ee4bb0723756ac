"""The ids of assigning and taking roles: the roles form, its buttons and its pickers."""

from __future__ import annotations

from enum import StrEnum


class RoleCallback(StrEnum):
    ASSIGN_ROLES = "assign_roles"


class RoleAction(StrEnum):
    OPEN_ASSIGN_ROLES = "open_assign_roles"
    TAKE_ROLE = "take_role"
    """Followed by `:<role>`; the value is `<incident id>:<role>`."""


class RoleBlock(StrEnum):
    """One user picker per role, in the roles form and in the declare form."""

    COMMANDER = "commander"
    COMMS = "comms"
    SCRIBE = "scribe"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset({RoleCallback.ASSIGN_ROLES, RoleAction.TAKE_ROLE})
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
