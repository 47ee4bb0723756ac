"""How the bot writes a time into Slack text, spelled out by hand for assertions."""

from __future__ import annotations

from datetime import UTC, datetime

DAY_ONE = datetime(2026, 1, 1, tzinfo=UTC)
"""The test clock's first day (`ManualClock`)."""


def slack_time(hhmm: str, *, day: int = 1, fallback: str | None = None) -> str:
    """Slack's date token for `hhmm` UTC on January `day`, 2026; its fallback defaults to `hhmm UTC`."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    when = DAY_ONE.replace(day=day, hour=hour, minute=minute)
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback or f'{hhmm} UTC'}>"
