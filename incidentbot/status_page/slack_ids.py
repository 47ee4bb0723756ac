"""The form that corrects a published status page text."""

from __future__ import annotations

from enum import StrEnum


class StatusPageCallback(StrEnum):
    CORRECTION = "status_page_correction"
    """Its submission is claimed with the command it journals (`slack/once.py`)."""
