"""A structured internal update, and the rules for the next-update time it commits to."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from incidentbot.incident.models import Severity, Status
from incidentbot.incident.policy import Policy

FIELD_MAX = 3000
"""Longest text a field of the update form takes (Slack's limit for a text input)."""
PRESET_MINUTES = (15, 30, 60)
LONGEST_PRESET_MINUTES = 24 * 60
CONFIRM_BEYOND = timedelta(hours=24)
"""A next update further away than this is asked about again: a slip of the date picker looks the same."""


class UpdateDraft(BaseModel):
    """What a person wrote in the update form."""

    model_config = ConfigDict(frozen=True)

    status: Status
    severity: Severity
    theory: str = ""
    tried: str = ""
    doing: str = ""
    impact: str = ""
    customer_text: str = ""
    next_update_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.theory, self.tried, self.doing, self.impact, self.customer_text))


class Update(BaseModel):
    """An update as posted: the draft, its author and time, and where it landed in Slack."""

    model_config = ConfigDict(frozen=True)

    id: int
    incident_id: int
    author_id: str
    posted_at: datetime
    status: Status
    severity: Severity
    theory: str = ""
    tried: str = ""
    doing: str = ""
    impact: str = ""
    customer_text: str | None = None
    next_update_at: datetime | None = None
    message_ts: str | None = None


def next_update_presets(policy: Policy, severity: Severity) -> list[int]:
    """Minutes offered in the form: the usual steps plus this severity's cadence."""
    cadence = policy.severities[severity].cadence_minutes
    return sorted({*PRESET_MINUTES, *([cadence] if cadence else [])})


def default_preset(policy: Policy, severity: Severity) -> int | None:
    """The severity's cadence; None where it has none (update when the status changes)."""
    return policy.severities[severity].cadence_minutes


def parse_preset(value: str | None) -> int | None:
    """Minutes from a preset option value; None for "no fixed time" or anything unexpected."""
    if value is None or not value.isdigit():
        return None
    minutes = int(value)
    return minutes if 0 < minutes <= LONGEST_PRESET_MINUTES else None


def chosen_next_update(preset_minutes: int | None, exact: datetime | None, now: datetime) -> datetime | None:
    """The exact time wins when given; otherwise the preset counted from now."""
    if exact is not None:
        return exact
    return now + timedelta(minutes=preset_minutes) if preset_minutes else None


def next_update_problem(
    policy: Policy, draft: UpdateDraft, now: datetime, *, exact_given: bool, far_confirmed: bool = False
) -> str | None:
    """Why the committed next-update time is not acceptable (or needs confirming), or None."""
    if draft.status is Status.RESOLVED:
        return None
    if draft.next_update_at is None:
        return "next_update_missing" if policy.requires_next_update(draft.severity) else None
    if exact_given and draft.next_update_at <= now:
        return "next_update_past"
    if draft.next_update_at - now > CONFIRM_BEYOND and not far_confirmed:
        return "next_update_far"
    return None
