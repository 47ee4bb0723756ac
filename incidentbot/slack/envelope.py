"""The shape of what Slack sends, checked once before Bolt's authorization, matchers or listeners.

A signed request whose envelope is not what Slack documents (a `user` that is a string, a `view`
that is a list, `actions` without an `action_id`, an event without its `user`) is the sender's
error: it gets a 400 and one log line, and no listener ever sees it. So listeners may rely on the
documented shape, and a malformed request never becomes a 500.

The models hold only what the bot relies on; Slack's other fields pass through unchecked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger(__name__)
BAD_REQUEST = 400
Id = Field(min_length=1)


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class User(_Shape):
    id: str = Id


class Channel(_Shape):
    id: str = Id


class Action(_Shape):
    action_id: str
    block_id: str
    type: str
    action_ts: str | None = None


class ViewState(_Shape):
    values: dict[str, dict[str, Any]]
    """Block id → action id → the input's state; the listeners check each input's own shape."""


class View(_Shape):
    id: str = Id
    callback_id: str
    state: ViewState
    private_metadata: str
    hash: str


class Container(_Shape):
    type: str


class BlockActions(_Shape):
    type: Literal["block_actions"]
    user: User
    actions: list[Action] = Field(min_length=1)
    trigger_id: str
    container: Container | None = None
    channel: Channel | None = None
    view: View | None = None


class ViewSubmission(_Shape):
    type: Literal["view_submission", "view_closed"]
    user: User
    view: View


class MessageAction(_Shape):
    type: Literal["message_action"]
    callback_id: str
    trigger_id: str
    user: User
    channel: Channel
    message: dict[str, Any]


class GlobalShortcut(_Shape):
    type: Literal["shortcut"]
    callback_id: str
    trigger_id: str
    user: User


class Event(_Shape):
    type: str = Field(min_length=1)


class EventCallback(_Shape):
    type: Literal["event_callback"]
    event: Event


class AppHomeOpened(_Shape):
    type: Literal["app_home_opened"]
    user: str = Id


class ReactionItem(_Shape):
    type: str


class Reaction(_Shape):
    type: Literal["reaction_added", "reaction_removed"]
    user: str = Id
    reaction: str
    item: ReactionItem


class SlashCommand(_Shape):
    command: str = Id
    user_id: str = Id
    channel_id: str = Id
    team_id: str = Id
    text: str = ""


PAYLOADS: Mapping[str, type[BaseModel]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "message_action": MessageAction,
    "shortcut": GlobalShortcut,
    "event_callback": EventCallback,
}
"""Payload types by their `type`; others (url_verification, …) are left to Bolt."""
EVENTS: Mapping[str, type[BaseModel]] = {
    "app_home_opened": AppHomeOpened,
    "reaction_added": Reaction,
    "reaction_removed": Reaction,
}
"""Events whose fields a listener reads; any other event needs only its `type`."""


def problem_with(body: object) -> str | None:
    """What is wrong with this envelope, in a few words; None when it has the documented shape."""
    if not isinstance(body, dict):
        return "the body is not an object"
    kind = body.get("type")
    if "command" in body and kind is None:
        return _first_problem(SlashCommand, body)
    if not isinstance(kind, str):
        return "neither a slash command nor a payload with a type"
    model = PAYLOADS.get(kind)
    if model is None:
        return None
    found = _first_problem(model, body)
    if found is None and kind == "event_callback":
        event = body["event"]
        inner = EVENTS.get(event["type"])
        found = _first_problem(inner, event, prefix="event.") if inner else None
    return found


def _first_problem(model: type[BaseModel], data: dict[str, Any], prefix: str = "") -> str | None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{data.get('type') or 'command'}: {prefix}{where}: {first['msg']}"
    return None


class DocumentedShape(Middleware):
    """Refuse, with a 400, a request whose envelope is not what Slack documents.

    Registered as Bolt's `before_authorize`: after the signature check, before authorization and
    every matcher and listener.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        problem = problem_with(req.body)
        if problem is None:
            return next()
        log.warning("refused a request of the wrong shape: %s", problem)
        return BoltResponse(status=BAD_REQUEST, body="bad request: not the payload Slack documents\n")
