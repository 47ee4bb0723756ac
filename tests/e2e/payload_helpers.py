"""Slack payloads as Slack sends them, taken apart so a test can bend them out of shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.e2e.helpers import declare_state
from tests.support import signing

Json = dict[str, Any]
Mutation = Callable[[Json], None]


def interactive_payload(body: signing.Body) -> Json:
    payload: Json = json.loads(parse_qs(body[0])["payload"][0])
    return payload


def as_interactive(payload: Json) -> signing.Body:
    return urlencode({"payload": json.dumps(payload)}), signing.FORM


def button() -> Json:
    return interactive_payload(signing.block_action("take_role:scribe", "1:scribe", channel_id="C0000"))


def submission() -> Json:
    return interactive_payload(signing.view_submission("declare_incident", declare_state()))


def closed() -> Json:
    return {**submission(), "type": "view_closed", "is_cleared": False}


def shortcut() -> Json:
    message = {"type": "message", "ts": "1700000000.000100", "user": "U002", "text": "db is down"}
    return interactive_payload(signing.message_shortcut("add_to_timeline", message=message))


def event(inner: Any) -> Json:
    envelope: Json = json.loads(signing.event_callback({"type": "app_home_opened"})[0])
    envelope["event"] = inner
    return envelope


def setting(key: str, value: Any) -> Mutation:
    def mutate(payload: Json) -> None:
        payload[key] = value

    return mutate


def without(key: str) -> Mutation:
    def mutate(payload: Json) -> None:
        payload.pop(key, None)

    return mutate


INTERACTIVE_BASES: dict[str, Callable[[], Json]] = {
    "block_actions": button,
    "view_submission": submission,
    "view_closed": closed,
    "message_action": shortcut,
}
