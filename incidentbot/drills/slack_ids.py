"""The form that starts a drill; its inputs are named in `slack_form.py`."""

from __future__ import annotations

from enum import StrEnum


class DrillCallback(StrEnum):
    START = "drill_start"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset({DrillCallback.START})
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
