"""Durable reminders: something the bot must say at a given time, stored until it has been said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

RETRY_FIRST = timedelta(seconds=5)
RETRY_MAX = timedelta(minutes=5)


class ReminderKind(StrEnum):
    """Kinds of reminder; each has one handler, registered by its feature."""

    NAG = "nag"
    """DM the owner of a missed update commitment."""
    NAG_NOTICE = "nag_notice"
    """The short channel notice that goes with a nag, retried on its own so neither message repeats."""
    ESCALATION = "escalation"


class ReminderState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Reminder(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    kind: str
    incident_id: int | None = None
    commitment_id: int | None = None
    subject_id: int | None = None
    due_at: datetime
    state: ReminderState = ReminderState.PENDING
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    """While claimed: the end of the lease. Unclaimed: the earliest time anyone may take it."""
    attempts: int = 0
    last_error: str | None = None
    fired_at: datetime | None = None
    payload: str | None = None
    """A journalled request: what was asked, as JSON (see `kernel/journal_kinds.py`)."""


@dataclass(frozen=True)
class NewReminder:
    kind: str
    due_at: datetime
    incident_id: int | None = None
    commitment_id: int | None = None
    subject_id: int | None = None
    not_before: datetime | None = None
    """Nobody takes it before this time (stored as `claimed_until` of an unclaimed row)."""


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after a failed delivery: 5 s, 10 s, 20 s … at most 5 min."""
    exponent = min(max(attempts - 1, 0), 16)
    return min(RETRY_FIRST * (1 << exponent), RETRY_MAX)
