"""The form that starts a drill; its inputs are named in `slack_form.py`."""

from __future__ import annotations

from enum import StrEnum


class DrillCallback(StrEnum):
    START = "drill_start"
