"""The buttons of the question asked before lowering a SEV-1 or SEV-2."""

from __future__ import annotations

from enum import StrEnum


class ChangeAction(StrEnum):
    CONFIRM_LOWERING = "confirm_severity_lowering"
    """Value: the severity number to lower to, in the incident of the channel clicked in."""
    KEEP_SEVERITY = "keep_severity"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset({ChangeAction.KEEP_SEVERITY})
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
