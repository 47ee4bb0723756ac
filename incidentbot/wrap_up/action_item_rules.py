"""Postmortem action items: the `/incident action …` syntax, SMART gaps, and overdue days.

An action item is SMART when it has one owner (a person), a due date and a success metric;
the postmortem flags the ones that lack any of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

ACTION_TEXT_MAX = 300
SUCCESS_METRIC_MAX = 300

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>")
_DUE = re.compile(r"due:(\S*)", re.IGNORECASE)
_IN_DAYS = re.compile(r"\bin\s+(\d{1,3})\s*(d|days?|w|weeks?)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\+?(\d{1,3})(d|w)", re.IGNORECASE)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PRIORITY = re.compile(r"(?<!\S)[Pp](\d)(?!\S)")


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    @classmethod
    def parse(cls, text: str) -> Priority | None:
        cleaned = text.strip().upper()
        return next((p for p in cls if p.value == cleaned), None)


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"


class SmartGap(StrEnum):
    NO_OWNER = "no_owner"
    NO_DUE_DATE = "no_due_date"
    NO_SUCCESS_METRIC = "no_success_metric"


class ActionItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    incident_id: int
    text: str
    owner_id: str | None = None
    due_on: date | None = None
    priority: Priority = Priority.P2
    success_metric: str = ""
    state: ActionState = ActionState.OPEN
    created_by: str
    created_at: datetime
    done_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state is ActionState.OPEN

    @property
    def smart_gaps(self) -> list[SmartGap]:
        gaps = []
        if not self.owner_id:
            gaps.append(SmartGap.NO_OWNER)
        if self.due_on is None:
            gaps.append(SmartGap.NO_DUE_DATE)
        if not self.success_metric.strip():
            gaps.append(SmartGap.NO_SUCCESS_METRIC)
        return gaps

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class ActionInputError(ValueError):
    """What is wrong with an action item as typed; `problem` names the explanation to show."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner_id: str | None = None
    due_on: date | None = None
    priority: Priority = Priority.P2
    success_metric: str = ""


def parse_action(text: str, today: date) -> ActionDraft:
    """`Add a lock timeout to migrations <@U123> due:2026-02-01 P1` → ActionDraft.

    The owner is one Slack mention; the due date is `due:YYYY-MM-DD`, `due:7d`, `due:2w`,
    `in 7d` or `in 2 weeks`; the priority is P1, P2 or P3 (P2 when left out). What remains
    is the action. Raises ActionInputError for anything it cannot take at face value.
    """
    rest = text.strip()
    if _TEAM.search(rest):
        raise ActionInputError("owner_is_team")
    owners = _USER.findall(rest)
    if len(owners) > 1:
        raise ActionInputError("several_owners")
    rest = _USER.sub(" ", rest)
    due_on, rest = _take_due(rest, today)
    priority, rest = _take_priority(rest)
    words = " ".join(rest.split())
    if not words:
        raise ActionInputError("text_empty")
    if len(words) > ACTION_TEXT_MAX:
        raise ActionInputError("text_too_long")
    return ActionDraft(text=words, owner_id=owners[0] if owners else None, due_on=due_on, priority=priority)


def _take_due(text: str, today: date) -> tuple[date | None, str]:
    explicit = _DUE.findall(text)
    spoken = _IN_DAYS.findall(text)
    if len(explicit) + len(spoken) > 1:
        raise ActionInputError("several_due_dates")
    if explicit:
        return parse_due(explicit[0], today), _DUE.sub(" ", text)
    if spoken:
        count, unit = spoken[0]
        return _after(today, int(count), unit), _IN_DAYS.sub(" ", text)
    return None, text


def parse_due(value: str, today: date) -> date:
    """`2026-02-01`, `7d`, `+2w`, `today`, `tomorrow`; never a day before `today`."""
    cleaned = value.strip().lower()
    if not cleaned:
        raise ActionInputError("due_unparseable", value)
    if cleaned in {"today", "tomorrow"}:
        return today + timedelta(days=1 if cleaned == "tomorrow" else 0)
    relative = _RELATIVE.fullmatch(cleaned)
    if relative:
        return _after(today, int(relative.group(1)), relative.group(2))
    if not _ISO_DAY.fullmatch(cleaned):
        raise ActionInputError("due_unparseable", value)
    try:
        due = date.fromisoformat(cleaned)
    except ValueError:
        raise ActionInputError("due_unparseable", value) from None
    return check_due(due, today)


def check_due(due: date, today: date) -> date:
    if due < today:
        raise ActionInputError("due_in_past", due.isoformat())
    return due


def _after(today: date, count: int, unit: str) -> date:
    days = count * 7 if unit.lower().startswith("w") else count
    return today + timedelta(days=days)


def _take_priority(text: str) -> tuple[Priority, str]:
    found = _PRIORITY.findall(text)
    if not found:
        return Priority.P2, text
    if len(found) > 1:
        raise ActionInputError("several_priorities")
    priority = Priority.parse(f"P{found[0]}")
    if priority is None:
        raise ActionInputError("priority_unknown", f"P{found[0]}")
    return priority, _PRIORITY.sub(" ", text)


def success_metric_problem(metric: str) -> str | None:
    return "success_metric_too_long" if len(metric) > SUCCESS_METRIC_MAX else None


def overdue_from(due_on: date) -> datetime:
    """The first moment an item is overdue: the end of its due day, UTC."""
    return datetime.combine(due_on + timedelta(days=1), time.min, tzinfo=UTC)


def next_reminder(due_on: date, now: datetime) -> datetime:
    """The next daily reminder moment (end of the due day, then every 24 h) not before `now`."""
    first = overdue_from(due_on)
    if now <= first:
        return first
    days_late = -(-(now - first) // timedelta(days=1))
    return first + timedelta(days=days_late)
