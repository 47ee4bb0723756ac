"""Rules of the timeline: where entries come from, message times, and the times people type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentbot.incident.models import EventKind

TEXT_MAX = 3000
"""Longest text a Slack modal input takes. Entries keep their full text; views shorten it."""

PENDING_TEXT = "(message text not yet fetched)"
"""Stored while Slack would not give us a captured message; replaced once it does."""

NO_TEXT = "(message without text)"


class EventSource(StrEnum):
    AUTO = "auto"
    REACTION = "reaction"
    SHORTCUT = "shortcut"
    NOTE = "note"


SCRIBE_KINDS: tuple[EventKind, ...] = (
    EventKind.DETECTION,
    EventKind.INVESTIGATION,
    EventKind.ACTION,
    EventKind.COMMUNICATION,
    EventKind.MITIGATION,
    EventKind.DECISION,
    EventKind.OTHER,
)


def ts_to_datetime(ts: str) -> datetime | None:
    """A Slack message timestamp (`1767268680.000200`) as an aware UTC datetime, exactly."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    micros = int((fraction + "000000")[:6])
    try:
        return datetime.fromtimestamp(int(seconds), UTC) + timedelta(microseconds=micros)
    except (OverflowError, OSError, ValueError):
        return None


def file_text(names: Sequence[str]) -> str:
    return "(file: " + ", ".join(names) + ")" if names else ""


def clip(text: str, limit: int = TEXT_MAX) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# typed times ------------------------------------------------------------------------------------

# A first word shaped like a time is taken as one, so `25:99` or `9:5pm` is refused, not noted.
_TIME_ATTEMPT = re.compile(r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[ap]\.?m\.?)?", re.IGNORECASE)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int
    second: int = 0

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class NoteRequest:
    text: str
    at: ClockTime | None = None


class NoteProblem(StrEnum):
    EMPTY = "empty"
    TIME_MALFORMED = "time_malformed"


@dataclass(frozen=True)
class NoteRefused:
    problem: NoteProblem
    given: str = ""


def parse_note(args: str) -> NoteRequest | NoteRefused:
    """`<text>` or `HH:MM <text>` (24-hour, seconds optional). Anything time-like must be valid."""
    first, _, rest = args.strip().partition(" ")
    if _TIME_ATTEMPT.fullmatch(first):
        at = _clock_time(first)
        if at is None:
            return NoteRefused(NoteProblem.TIME_MALFORMED, first)
        text = rest.strip()
        return NoteRequest(text=text, at=at) if text else NoteRefused(NoteProblem.EMPTY)
    text = args.strip()
    return NoteRequest(text=text) if text else NoteRefused(NoteProblem.EMPTY)


def _clock_time(word: str) -> ClockTime | None:
    match = _TIME.fullmatch(word)
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return ClockTime(hour, minute, second)


def zone(name: str | None) -> tuple[tzinfo, str]:
    """The person's Slack time zone, or UTC when they have none we know."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC, "UTC"


def on_today(at: ClockTime, now: datetime, tz: tzinfo) -> datetime:
    """`at` on today's date as seen in `tz`, in UTC."""
    local_now = now.astimezone(tz)
    local = local_now.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
    return local.astimezone(UTC)
