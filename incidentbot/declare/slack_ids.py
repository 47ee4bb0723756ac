"""The declare form's ids, and the button that retries a failed setup."""

from __future__ import annotations

from enum import StrEnum


class DeclareCallback(StrEnum):
    DECLARE = "declare_incident"


class DeclareAction(StrEnum):
    RETRY_SETUP = "retry_setup"


class DeclareBlock(StrEnum):
    """The declare form's inputs; its role pickers are the roles form's (`RoleBlock`)."""

    TITLE = "title"
    SEVERITY = "severity"
    IMPACT = "impact"
    OPTIONS = "options"


PRIVATE_OPTION = "private"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset(
    {DeclareCallback.DECLARE, DeclareAction.RETRY_SETUP}
)
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
