"""Messages people post in a drill channel (Events API `message`), kept when they answer an inject.

Journalled before Slack hears back, with the event's id claimed in the same commit
(`slack/once.py`), so a message is recorded once however often Slack delivers it; applied just
after. Bot messages, edits, deletions and joins are not a person's message and are passed on to
the next listener (the timeline's, which follows edits of captured messages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from incidentbot.drills import replies
from incidentbot.drills.marking import DrillChannels
from incidentbot.kernel import commands
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack.listeners.deps import Deps

log = logging.getLogger(__name__)
REPLY_REQUEST = "drill_reply_request"
"""Where `RecordReplies` leaves the journalled message, for the listener to apply."""
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
"""A person's own message; every other subtype is Slack's (an edit, a deletion, a join …)."""


def person_message(event: dict[str, Any], bot_user_id: str | None) -> replies.RecordReply | None:
    """The message a person posted, or None for anything else a `message` event can carry."""
    if event.get("type") != "message" or event.get("subtype") not in PERSON_SUBTYPES:
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if event.get("bot_id") or not isinstance(user, str) or not user or user == bot_user_id:
        return None
    if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
        return None
    thread = event.get("thread_ts")
    thread_ts = thread if isinstance(thread, str) and thread != ts else None
    return replies.RecordReply(user_id=user, channel_id=channel, ts=ts, thread_ts=thread_ts)


class RecordReplies(Middleware):
    """Journal a person's message in a drill channel before the ack; let any other go by."""

    def __init__(self, deps: Deps, is_drill_channel: Callable[[str], bool]) -> None:
        self._deps = deps
        self._is_drill_channel = is_drill_channel

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event = req.body.get("event")
        asked = person_message(event, req.context.bot_user_id) if isinstance(event, dict) else None
        if asked is None or not self._is_drill_channel(asked.channel_id):
            return None  # not for this listener: Bolt tries the next one
        event_id = req.body.get("event_id")
        delivery = event_id if isinstance(event_id, str) and event_id else None
        req.context[REPLY_REQUEST] = commands.submit(self._deps.services, asked, delivery)
        return next()


def register(app: App, deps: Deps) -> None:
    """Registered before the timeline's `message` listener, which takes every other message."""

    def on_person_message(context: dict[str, Any]) -> None:
        row = context.get(REPLY_REQUEST)
        if isinstance(row, Reminder):
            deps.background.submit(_apply, deps, row)

    channels = DrillChannels(deps.services.store)
    app.event("message", middleware=[RecordReplies(deps, channels)])(on_person_message)


def _apply(deps: Deps, row: Reminder) -> None:
    """Nobody waits on a reply being kept: a failure leaves the row for the scheduler to replay."""
    try:
        commands.apply_submitted(deps.services, row, replies.RECORD)
    except Exception:
        log.warning("drill reply %s not recorded yet; the scheduler will apply it", row.id, exc_info=True)
