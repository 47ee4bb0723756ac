"""Slack's Events API side of the fake: a person posts in a channel, and Slack tells the bot.

As Slack does, the message is stored first (so the Web API reads it back) and then delivered to
the bot's request URL as a signed `event_callback` — only when the manifest subscribes to
`message.channels` (public channels) or `message.groups` (private ones) and the bot is a member
of the channel. A redelivery carries the same `event_id` and `X-Slack-Retry-Num`, as Slack's
retries do.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from tests.support.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.support.manifest import bot_events
from tests.support.signing import Response, SlackClientForTests, event_callback

_event_ids = itertools.count(1)


@dataclass(frozen=True)
class Delivered:
    ts: str
    event: dict[str, Any]
    event_id: str
    response: Response | None
    """None when Slack would not have sent the event at all."""


def message_event(
    slack: FakeSlack, channel: str, user: str, text: str, ts: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """A person's message as Slack's `message` event carries it (rich text blocks and all)."""
    private = bool(slack.channel(channel).get("is_private"))
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "group" if private else "channel",
        "client_msg_id": str(uuid.uuid4()),
        "team": TEAM_ID,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": uuid.uuid4().hex[:5],
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
    }
    if thread_ts is not None:
        event.update(thread_ts=thread_ts, parent_user_id=BOT_USER_ID)
    return event


def subscribed(slack: FakeSlack, channel: str) -> bool:
    """Whether Slack sends the bot the messages of `channel`."""
    wanted = "message.groups" if slack.channel(channel).get("is_private") else "message.channels"
    return wanted in bot_events() and BOT_USER_ID in slack.members(channel)


def person_posts(
    slack: FakeSlack,
    client: SlackClientForTests,
    channel: str,
    user: str,
    text: str,
    *,
    thread_ts: str | None = None,
) -> Delivered:
    ts = slack._next_ts()
    slack.add_message(channel, ts, user=user, text=text, thread_ts=thread_ts)
    stored = slack.message(channel, ts) or {}
    event = message_event(slack, channel, user, str(stored.get("text", text)), ts, thread_ts)
    event_id = f"EvMsg{next(_event_ids):06d}"
    if not subscribed(slack, channel):
        return Delivered(ts, event, event_id, None)
    return Delivered(ts, event, event_id, client.event(event, event_id=event_id))


def redeliver(client: SlackClientForTests, delivered: Delivered, retry_num: int = 1) -> Response:
    """Slack's retry of an event it thinks was not received: the same envelope, retry headers on."""
    body, content_type = event_callback(delivered.event, event_id=delivered.event_id)
    return client.post(body, content_type, retry_num=retry_num)
