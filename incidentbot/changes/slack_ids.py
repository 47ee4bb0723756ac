"""The buttons of the question asked before lowering a SEV-1 or SEV-2."""

from __future__ import annotations

from enum import StrEnum


class ChangeAction(StrEnum):
    CONFIRM_LOWERING = "confirm_severity_lowering"
    """Value: the severity number to lower to, in the incident of the channel clicked in."""
    KEEP_SEVERITY = "keep_severity"
