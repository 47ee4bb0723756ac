"""The form that corrects a published status page text."""

from __future__ import annotations

from enum import StrEnum


class StatusPageCallback(StrEnum):
    CORRECTION = "status_page_correction"
    """Its submission is claimed with the command it journals (`slack/once.py`)."""


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset({StatusPageCallback.CORRECTION})
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
