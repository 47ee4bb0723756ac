"""The services' Workspace port, implemented with slack-sdk's WebClient.

Slack's own rate limits (429 + Retry-After), 5xx answers and dropped connections are retried by
slack-sdk's retry handlers; what still fails becomes SlackUnavailable, which services record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from incidentbot.incident.text import storable
from incidentbot.kernel.errors import ChannelRefused, FormExpired, FormRefused, NameTaken, SlackUnavailable
from incidentbot.kernel.ports import ChannelMessage, Person
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import fallback, sections
from incidentbot.slack.gateway_files import FileUploadSlack
from incidentbot.slack.gateway_outbox import OutboxSlack
from incidentbot.slack.gateway_resolution import ResolutionSlack
from incidentbot.slack.pacing import ChannelPacer
from incidentbot.slack.people import PeopleDirectory
from incidentbot.slack.user_groups import UserGroupDirectory
from incidentbot.timeline.slack_message_text import channel_message

log = logging.getLogger(__name__)
T = TypeVar("T")
PERSON_CACHE_SECONDS = 300.0
CONFIRM_REACTION = "white_check_mark"
# Slack takes a page limit under 1000 and recommends no more than 200; next_cursor says when to stop.
MEMBERS_PAGE = 200
RECENT = 15
"""Messages read by `recent_messages`: the most Slack returns to an app outside its Marketplace
(since 2025), and more than a drill's channel gets in the minute a retry waits."""
# Answers meaning the message (or its thread) is gone, as opposed to Slack being unavailable.
_GONE = frozenset({"thread_not_found", "message_not_found"})
# Answers that stay the same until a person changes the channel or the app's scopes.
_REFUSED = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
_TRIGGER_GONE = frozenset({"expired_trigger_id", "invalid_trigger_id"})
"""A click's trigger opens one view within 3 seconds: past them, a new click is needed."""
_VIEW_REFUSED = frozenset({"invalid_arguments", "view_too_large"})


def make_client(token: str, base_url: str) -> WebClient:
    client = WebClient(token=token, base_url=base_url, timeout=10)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ]
    )
    return client


def _go_ahead() -> None:
    return None


class SlackWorkspace(ResolutionSlack, OutboxSlack, FileUploadSlack):
    def __init__(
        self,
        client: WebClient,
        renderer: Renderer,
        *,
        reaction: str = "pushpin",
        pacer: ChannelPacer | None = None,
        before_call: Callable[[], object] | None = None,
    ) -> None:
        self.client = client
        self.before_call = before_call or _go_ahead
        """Runs before every Web API call: background work gives way to acks there (ack_first.py)."""
        self.renderer = renderer
        self.reaction = reaction
        self.pacer = pacer or ChannelPacer()
        self._people: dict[str, tuple[float, Person | None]] = {}
        self.people = PeopleDirectory(client, self.call)
        """Looks people up by a name typed for them (`/incident role comms carol`)."""
        self.user_groups = UserGroupDirectory(client, self.call)
        """The workspace's user groups, which the communication checker counts as teams."""

    # calling Slack ---------------------------------------------------------------------------

    def call(self, method: str, do: Callable[[], T], *, channel: str | None = None) -> T:
        """Call Slack; `channel`, when the call posts there, names it in a ChannelRefused."""
        self.before_call()
        try:
            return do()
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            if code == "name_taken":
                raise NameTaken(code) from error
            if channel is not None and code in _REFUSED:
                raise ChannelRefused(channel, code) from error
            raise SlackUnavailable(f"{method}: {code}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"{method}: {type(error).__name__}") from error

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any) -> str:
        self.pacer.take_turn(channel)
        response = self.call(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=channel, text=fallback(text), blocks=blocks or sections(text), **kw
            ),
            channel=channel,
        )
        return str(response["ts"])

    def edit(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self.call(
            "chat.update",
            lambda: self.client.chat_update(channel=channel, ts=ts, text=fallback(text), blocks=blocks),
            channel=channel,
        )

    def ephemeral(
        self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        self.call(
            "chat.postEphemeral",
            lambda: self.client.chat_postEphemeral(
                channel=channel, user=user, text=fallback(text), blocks=blocks or sections(text)
            ),
        )

    def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        return self.post(user_id, text, blocks)

    # the Workspace port ----------------------------------------------------------------------

    def person(self, user_id: str) -> Person | None:
        cached = self._people.get(user_id)
        if cached and time.monotonic() - cached[0] < PERSON_CACHE_SECONDS:
            return cached[1]
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in {"user_not_found", "users_not_found"}:
                self._people[user_id] = (time.monotonic(), None)
                return None
            raise SlackUnavailable(f"users.info: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"users.info: {type(error).__name__}") from error
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
        person = Person(
            id=user_id,
            # A name from the Web API has not been through the request middleware.
            name=storable(str(name)) or user_id,
            is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
            deleted=bool(user.get("deleted")),
            tz=user.get("tz"),
        )
        self._people[user_id] = (time.monotonic(), person)
        return person

    def create_channel(self, name: str, *, private: bool) -> str:
        response = self.call(
            "conversations.create", lambda: self.client.conversations_create(name=name, is_private=private)
        )
        return str(response["channel"]["id"])

    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None:
        people = [u for u in user_ids if u]
        if not people:
            return
        try:
            self.client.conversations_invite(channel=channel_id, users=",".join(people), force=True)
        except SlackApiError as error:
            # Being there already is the outcome we wanted.
            if error.response.get("error") not in {"already_in_channel", "cant_invite_self"}:
                raise SlackUnavailable(f"conversations.invite: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"conversations.invite: {type(error).__name__}") from error

    def set_topic(self, channel_id: str, topic: str) -> None:
        self.call(
            "conversations.setTopic",
            lambda: self.client.conversations_setTopic(channel=channel_id, topic=topic[:250]),
        )

    def pin(self, channel_id: str, ts: str) -> None:
        self.call("pins.add", lambda: self.client.pins_add(channel=channel_id, timestamp=ts))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        try:
            self.call("views.open", lambda: self.client.views_open(trigger_id=trigger_id, view=view))
        except SlackUnavailable as unavailable:
            answer = (
                unavailable.__cause__.response if isinstance(unavailable.__cause__, SlackApiError) else {}
            )
            code = str(answer.get("error", ""))
            if code == "exchanged_trigger_id":
                # This click already opened its form (a repeated delivery): it is in front of them.
                log.info("the form %s is already open for this click", view.get("callback_id"))
                return
            if code in _TRIGGER_GONE:
                raise FormExpired(code) from unavailable
            if code in _VIEW_REFUSED:
                # Slack's reasons name the rule and the JSON pointer, never what someone typed.
                reasons = (answer.get("response_metadata") or {}).get("messages") or []
                log.error("Slack refused the form %s: %s %s", view.get("callback_id"), code, reasons)
                raise FormRefused(code) from unavailable
            raise

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.call("views.publish", lambda: self.client.views_publish(user_id=user_id, view=view))

    def channel_members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        cursor: str | None = None
        while True:
            response = self._members_page(channel_id, cursor)
            members.update(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members

    def _members_page(self, channel_id: str, cursor: str | None) -> Any:
        return self.call(
            "conversations.members",
            lambda: self.client.conversations_members(channel=channel_id, cursor=cursor, limit=MEMBERS_PAGE),
        )

    # the timeline ----------------------------------------------------------------------------

    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        raw = self._raw_message(channel_id, ts)
        return channel_message(raw, self.name_of) if raw else None

    def recent_messages(self, channel: str, *, with_metadata: bool = False) -> list[dict[str, Any]]:
        """The channel's latest messages, newest first (one page, `RECENT`)."""
        history = self.call(
            "conversations.history",
            lambda: self.client.conversations_history(
                channel=channel, limit=RECENT, include_all_metadata=with_metadata
            ),
        )
        found = history.get("messages")
        return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []

    def _raw_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        history = self.call(
            "conversations.history",
            lambda: self.client.conversations_history(channel=channel_id, latest=ts, inclusive=True, limit=1),
        )
        found = _with_ts(history.get("messages"), ts)
        if found is not None:
            return found
        # A reaction event does not say whether the message is a thread reply: look there too.
        try:
            replies = self.client.conversations_replies(
                channel=channel_id, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=10
            )
        except SlackApiError as error:
            if error.response.get("error") in _GONE:
                return None
            raise SlackUnavailable(f"conversations.replies: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"conversations.replies: {type(error).__name__}") from error
        return _with_ts(replies.get("messages"), ts)

    def name_of(self, user_id: str) -> str:
        try:
            person = self.person(user_id)
        except SlackUnavailable:
            return user_id
        return person.name if person else user_id

    def permalink(self, channel_id: str, ts: str) -> str | None:
        response = self.call(
            "chat.getPermalink", lambda: self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
        )
        link = response.get("permalink")
        return str(link) if link else None

    @property
    def confirm_reaction(self) -> str:
        return CONFIRM_REACTION if self.reaction != CONFIRM_REACTION else "ballot_box_with_check"

    def mark_captured(self, channel_id: str, ts: str) -> None:
        self._react("reactions.add", channel_id, ts, harmless="already_reacted")

    def unmark_captured(self, channel_id: str, ts: str) -> None:
        self._react("reactions.remove", channel_id, ts, harmless="no_reaction")

    def _react(self, method: str, channel_id: str, ts: str, *, harmless: str) -> None:
        call = self.client.reactions_add if method == "reactions.add" else self.client.reactions_remove
        try:
            call(channel=channel_id, timestamp=ts, name=self.confirm_reaction)
        except SlackApiError as error:
            if error.response.get("error") != harmless:
                raise SlackUnavailable(f"{method}: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"{method}: {type(error).__name__}") from error

    def timeline_reactions(self, channel_id: str, ts: str) -> int:
        try:
            response = self.client.reactions_get(channel=channel_id, timestamp=ts, full=True)
        except SlackApiError as error:
            if error.response.get("error") in {"message_not_found", "no_item_specified"}:
                return 0
            raise SlackUnavailable(f"reactions.get: {error.response.get('error')}") from error
        except (SlackClientError, OSError) as error:
            raise SlackUnavailable(f"reactions.get: {type(error).__name__}") from error
        reactions = (response.get("message") or {}).get("reactions") or []
        return sum(
            int(r.get("count") or 0)
            for r in reactions
            if str(r.get("name", "")).split("::")[0] == self.reaction
        )

    def upload_text(self, channel_id: str, filename: str, content: str, title: str, comment: str) -> None:
        self.call(
            "files.upload",
            lambda: self.client.files_upload_v2(
                channel=channel_id, content=content, filename=filename, title=title, initial_comment=comment
            ),
        )


def _with_ts(messages: Any, ts: str) -> dict[str, Any] | None:
    for message in messages or []:
        if isinstance(message, dict) and message.get("ts") == ts and message.get("subtype") != "tombstone":
            return message
    return None
