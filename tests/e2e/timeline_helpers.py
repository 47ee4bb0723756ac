"""Steps shared by the timeline's end-to-end tests: reactions as Slack sends them, and reading entries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from incidentbot.incident.models import TimelineEvent
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.sql_timeline import timeline_event
from incidentbot.store.tables import timeline_events
from tests.support.harness import RunningBot

_event_ids = itertools.count(1)


def ts_at(hour: int, minute: int, second: int = 0, micros: int = 100) -> str:
    """A Slack ts on the test clock's day (2026-01-01), as Slack writes them."""
    when = datetime(2026, 1, 1, hour, minute, second, tzinfo=UTC)
    return f"{int(when.timestamp())}.{micros:06d}"


def reaction(
    channel: str,
    ts: str,
    *,
    user: str = "U002",
    name: str = "pushpin",
    item_user: str | None = "U001",
    removed: bool = False,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user,
        "reaction": name,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{datetime.now(UTC).timestamp():.6f}",
    }
    if item_user:
        event["item_user"] = item_user
    return event


def send(running: RunningBot, event: dict[str, Any], event_id: str | None = None, **kw: Any) -> Any:
    response = running.client.event(event, event_id=event_id or f"Ev{next(_event_ids):06d}", **kw)
    assert response.status == 200, response.body
    return response


def all_rows(running: RunningBot, incident_id: int) -> list[TimelineEvent]:
    """Every entry, removed ones included, straight from the database."""
    with running.services.store.transaction() as tx:
        rows = tx.db.execute(
            select(timeline_events)
            .where(timeline_events.c.incident_id == incident_id)
            .order_by(timeline_events.c.id)
        )
        return [timeline_event(row) for row in rows]


def entries(running: RunningBot, incident_id: int) -> list[TimelineEvent]:
    with running.services.store.transaction() as tx:
        return tx.events(incident_id)


def captured(running: RunningBot, incident_id: int, ts: str) -> TimelineEvent | None:
    """The message's entry once every capture of it has been tried; None before that.

    Each read sees what was committed before it, so the entry is read again after its rows: one
    that changed in between (filled in, or marked again) is looked at on the next call.
    """
    with running.services.store.transaction() as tx:
        entry = tx.event_for_message(incident_id, ts)
        rows = tx.outbox_rows(OutboxKind.CAPTURE, entry.id) if entry else []
        if entry != tx.event_for_message(incident_id, ts):
            return None
    untried = [r for r in rows if r.state is ReminderState.PENDING and r.last_error is None]
    return None if untried else entry


def told(running: RunningBot, user: str) -> list[str]:
    """Everything the bot said to `user` alone: ephemerals, and DMs where it could not post."""
    dm = running.slack.dm_channel_id(user)
    ephemerals = [c.args for c in running.slack.calls_to("chat.postEphemeral") if c.args.get("user") == user]
    dms = [
        c.args for c in running.slack.ok_calls_to("chat.postMessage") if c.args.get("channel") in (dm, user)
    ]
    return [str(args.get("text") or "") for args in ephemerals + dms]


def command_reply(
    running: RunningBot, text: str, *, user_id: str = "U001", channel_id: str = "C0GENERAL"
) -> str:
    """Send `/incident <text>` and return what the person is told after the ack (notes, lists)."""
    before = len(told(running, user_id))
    response = running.client.command(text, user_id=user_id, channel_id=channel_id)
    assert response.status == 200, response.body
    running.slack.wait_until(lambda: len(told(running, user_id)) > before, what=f"a reply to {user_id}")
    return told(running, user_id)[before]


def note(running: RunningBot, words: str, *, channel_id: str, user_id: str = "U001") -> str:
    """`/incident note <words>`; returns the reply, which comes once the note is on the timeline."""
    return command_reply(running, f"note {words}", user_id=user_id, channel_id=channel_id)
