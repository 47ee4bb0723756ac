"""Clock times as people read them in shared text: UTC, with the date once it is not today."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_label(when: datetime, now: datetime) -> str:
    """`14:30 UTC` on today's date (in UTC), `Wed 3 Dec 14:30 UTC` on any other.

    A bare `09:00` read late in the evening would pass for this morning; the date says which day.
    """
    when, today = when.astimezone(UTC), now.astimezone(UTC).date()
    if when.date() == today:
        return when.strftime("%H:%M UTC")
    return f"{when:%a} {when.day} {when:%b %H:%M} UTC"
