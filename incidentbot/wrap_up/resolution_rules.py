"""What the commander records when an incident is resolved, and the rules for typing it."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict

RESOLUTION_TEXT_MAX = 2000
USERS_AFFECTED_MAX = 10_000_000_000
_NUMBER = re.compile(r"\d{1,3}(?:[,_ ]?\d{3})*|\d+")


class Resolution(BaseModel):
    model_config = ConfigDict(frozen=True)

    incident_id: int
    resolved_by: str
    resolved_at: datetime
    fix: str
    customer_impact: str
    users_affected: int | None = None
    root_cause: str = ""
    started_at: datetime | None = None
    """When the impact began, if known; gives the time to declare."""


def fix_problem(text: str) -> str | None:
    if not text:
        return "fix_empty"
    return "fix_too_long" if len(text) > RESOLUTION_TEXT_MAX else None


def customer_impact_problem(text: str) -> str | None:
    if not text:
        return "customer_impact_empty"
    return "customer_impact_too_long" if len(text) > RESOLUTION_TEXT_MAX else None


def root_cause_problem(text: str) -> str | None:
    return "root_cause_too_long" if len(text) > RESOLUTION_TEXT_MAX else None


def parse_users_affected(text: str) -> int | None:
    """`1200`, `1,200` or `1 200`; None when left empty. Raises ValueError for anything else."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(cleaned)
    number = int(re.sub(r"[,_ ]", "", cleaned))
    if number > USERS_AFFECTED_MAX:
        raise ValueError(cleaned)
    return number


def started_at_problem(started_at: datetime | None, declared_at: datetime, now: datetime) -> str | None:
    if started_at is None:
        return None
    if started_at > now:
        return "started_in_future"
    if started_at > declared_at:
        return "started_after_declared"
    return None
