"""The update form's ids, and the buttons that open it or snooze a nag."""

from __future__ import annotations

from enum import StrEnum


class CadenceCallback(StrEnum):
    POST_UPDATE = "post_update"


class CadenceAction(StrEnum):
    OPEN_UPDATE = "open_update"
    SNOOZE = "snooze_update"
    """Followed by `:<minutes>`; the value is `<commitment id>:<minutes>`."""


class CadenceBlock(StrEnum):
    """The update form's inputs."""

    STATUS = "status"
    SEVERITY = "severity"
    THEORY = "theory"
    TRIED = "tried"
    DOING = "doing"
    IMPACT = "impact"
    CUSTOMER_TEXT = "customer_text"
    NEXT_PRESET = "next_preset"
    NEXT_AT = "next_at"
    NEXT_FAR = "next_far"


FAR_CONFIRMED_OPTION = "confirmed"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset({CadenceCallback.POST_UPDATE, CadenceAction.SNOOZE})
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
