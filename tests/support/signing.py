"""Requests shaped and signed the way Slack sends them to the bot's ``/slack/events`` endpoint.

Builders return ``(body, content_type)``; ``sign`` adds the v0 signature headers Bolt checks;
``SlackClientForTests`` posts them over real HTTP (stdlib only, proxies ignored).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.support.composer import Directory
from tests.support.fake_slack import (
    APP_ID,
    DEFAULT_USERS,
    GENERAL_CHANNEL_ID,
    GENERAL_CHANNEL_NAME,
    TEAM_DOMAIN,
    TEAM_ID,
    SlackFault,
    check_view,
)
from tests.support.interaction_ids import fresh_action_ts, fresh_trigger_id, fresh_view_id
from tests.support.manifest import slash_command_escapes

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
VERIFICATION_TOKEN = "verification-token"  # deprecated by Slack but still sent
DEFAULT_RESPONSE_URL = "http://127.0.0.1:1/resp"
_USER_NAMES = dict(DEFAULT_USERS)
DEFAULT_DIRECTORY = Directory(
    users={name: user_id for user_id, name in DEFAULT_USERS},
    channels={GENERAL_CHANNEL_NAME: GENERAL_CHANNEL_ID},
)

Json = dict[str, Any]
Body = tuple[str, str]


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature: HMAC-SHA256 of ``v0:{ts}:{body}`` with the secret."""
    ts = int(time.time()) if timestamp is None else timestamp
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


# --------------------------------------------------------------------------------------------
# payload pieces


def _user(user_id: str) -> Json:
    name = _USER_NAMES.get(user_id, user_id.lower())
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _team() -> Json:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _interactive(payload: Json) -> Body:
    """Interactivity payloads arrive as a form with a single JSON-valued ``payload`` field."""
    common: Json = {
        "team": _team(),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps({**common, **payload})}), FORM


def _option(value: str) -> Json:
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


# --------------------------------------------------------------------------------------------
# state-value helpers for view_submission (one per input element type)


def plain(value: str | None) -> Json:
    return {"type": "plain_text_input", "value": value}


def static_select(value: str | None) -> Json:
    return {"type": "static_select", "selected_option": _option(value) if value else None}


def multi_static_select(values: Sequence[str]) -> Json:
    return {"type": "multi_static_select", "selected_options": [_option(v) for v in values]}


def radio_buttons(value: str | None) -> Json:
    return {"type": "radio_buttons", "selected_option": _option(value) if value else None}


def users_select(user_id: str | None) -> Json:
    return {"type": "users_select", "selected_user": user_id}


def multi_users_select(user_ids: Sequence[str]) -> Json:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def conversations_select(channel_id: str | None) -> Json:
    return {"type": "conversations_select", "selected_conversation": channel_id}


def checkboxes(values: Sequence[str]) -> Json:
    return {"type": "checkboxes", "selected_options": [_option(v) for v in values]}


def datetimepicker(epoch: int | None) -> Json:
    return {"type": "datetimepicker", "selected_date_time": epoch}


def datepicker(date: str | None) -> Json:
    """``date`` is ``"YYYY-MM-DD"``, as Slack sends it."""
    return {"type": "datepicker", "selected_date": date}


def timepicker(hh_mm: str | None) -> Json:
    return {"type": "timepicker", "selected_time": hh_mm}


# --------------------------------------------------------------------------------------------
# body builders


def slash_command(
    text: str,
    *,
    user_id: str = "U001",
    channel_id: str = "C0000",
    command: str = "/incident",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
    user_name: str = "alice",
    channel_name: str = "general",
    response_url: str = DEFAULT_RESPONSE_URL,
    directory: Directory = DEFAULT_DIRECTORY,
    should_escape: bool | None = None,
) -> Body:
    """`text` is what the person typed; Slack sends it as `should_escape` (the manifest's) says."""
    escaping = slash_command_escapes() if should_escape is None else should_escape
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": directory.command_text(text, should_escape=escaping),
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or fresh_trigger_id(),
    }
    return urlencode(fields), FORM


def _action(
    action_id: str,
    value: str | None,
    block_id: str,
    selected_option: str | Json | None,
    selected_user: str | None,
    action_ts: str,
) -> Json:
    action: Json = {"action_id": action_id, "block_id": block_id, "action_ts": action_ts}
    if selected_option is not None:
        option = _option(selected_option) if isinstance(selected_option, str) else selected_option
        return {**action, "type": "static_select", "selected_option": option}
    if selected_user is not None:
        return {**action, "type": "users_select", "selected_user": selected_user}
    action.update({"type": "button", "text": {"type": "plain_text", "text": action_id}})
    if value is not None:
        action["value"] = value
    return action


def block_action(
    action_id: str,
    value: str | None = None,
    *,
    user_id: str = "U001",
    channel_id: str | None = None,
    message_ts: str | None = None,
    trigger_id: str | None = None,
    view: Json | None = None,
    block_id: str = "b",
    selected_option: str | Json | None = None,
    selected_user: str | None = None,
    message: Json | None = None,
    response_url: str = DEFAULT_RESPONSE_URL,
    action_ts: str | None = None,
) -> Body:
    """A ``block_actions`` payload from a message (channel_id/message_ts) or a view; a new click
    unless ``action_ts`` (and ``trigger_id``) repeat an earlier one."""
    ts = action_ts or fresh_action_ts()
    payload: Json = {
        "type": "block_actions",
        "user": _user(user_id),
        "trigger_id": trigger_id or fresh_trigger_id(),
        "actions": [_action(action_id, value, block_id, selected_option, selected_user, ts)],
        "state": {"values": {}},
    }
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_id.lower()}
        payload["response_url"] = response_url
    if message_ts is not None or message is not None:
        shown = message or {"type": "message", "ts": message_ts, "text": "", "blocks": []}
        ts = str(shown.get("ts") or message_ts)
        payload["message"] = {"user": "UBOT", "bot_id": "BBOT", **shown}
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    return _interactive(payload)


def view_submission(
    callback_id: str,
    state_values: Mapping[str, Mapping[str, Json]],
    *,
    user_id: str = "U001",
    private_metadata: str = "",
    view_id: str | None = None,
    view_hash: str = "1700000000.fakehash",
    trigger_id: str | None = None,
    blocks: Sequence[Json] = (),
    response_urls: Sequence[Json] = (),
) -> Body:
    """``state_values`` is ``{block_id: {action_id: plain("...") | users_select(...) | ...}}``;
    a view of its own unless ``view_id`` and ``view_hash`` repeat an earlier submission's."""
    view_id = view_id or fresh_view_id()
    view: Json = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "blocks": list(blocks),
        "state": {"values": {k: dict(v) for k, v in state_values.items()}},
        "hash": view_hash,
        "title": {"type": "plain_text", "text": "Incident"},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": "BBOT",
    }
    payload: Json = {
        "type": "view_submission",
        "user": _user(user_id),
        "trigger_id": trigger_id or fresh_trigger_id(),
        "view": view,
        "response_urls": list(response_urls),
    }
    return _interactive(payload)


def message_shortcut(
    callback_id: str,
    *,
    user_id: str = "U001",
    channel_id: str = "C0000",
    message: Json,
    trigger_id: str | None = None,
    response_url: str = DEFAULT_RESPONSE_URL,
) -> Body:
    """A message shortcut (Slack calls the payload type ``message_action``)."""
    payload: Json = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id or fresh_trigger_id(),
        "action_ts": fresh_action_ts(),
        "user": _user(user_id),
        "channel": {"id": channel_id, "name": channel_id.lower()},
        "message_ts": message.get("ts"),
        "message": message,
        "response_url": response_url,
    }
    return _interactive(payload)


def event_callback(
    event: Json,
    *,
    event_id: str = "Ev1",
    team_id: str = TEAM_ID,
    event_time: int | None = None,
) -> Body:
    envelope: Json = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event_id}",
    }
    return json.dumps(envelope), JSON


def url_verification(challenge: str = "challenge-1") -> Body:
    body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(body), JSON


# --------------------------------------------------------------------------------------------
# the HTTP client


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


def answered_view_accepted(answer: Response) -> Response:
    """Fail as Slack would when a form's answer replaces or pushes a view Slack refuses.

    Slack holds a view given in a `response_action` answer to the same rules as `views.update`
    (100 blocks, title length, element limits); a refused one leaves the person staring at
    "We had some trouble connecting", so a test must not pass on it.
    """
    if answer.status != 200 or not answer.body.strip().startswith(b"{"):
        return answer
    body = answer.json()
    if isinstance(body, dict) and body.get("response_action") in ("update", "push"):
        try:
            check_view(body.get("view"))
        except SlackFault as fault:
            raise AssertionError(
                f"Slack would refuse this form answer's view: {fault.error}: {fault.detail}"
            ) from fault
    return answer


class SlackClientForTests:
    """Plays Slack's side: posts signed requests to the bot's ``/slack/events``."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = "/slack/events",
        timeout: float = 10,
        directory: Callable[[], Directory] = lambda: DEFAULT_DIRECTORY,
    ) -> None:
        """`directory` names the people and channels Slack completes mentions of (the fake's)."""
        self.base_url = base_url.rstrip("/")
        self.directory = directory
        self.signing_secret = signing_secret
        self.path = path
        self.timeout = timeout
        # An empty ProxyHandler: a developer's http_proxy must not swallow 127.0.0.1 traffic.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        sign: bool = True,
    ) -> Response:
        raw = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": content_type}
        if sign:
            sent.update(_sign(self.signing_secret, raw, timestamp))
        if retry_num is not None:
            sent["X-Slack-Retry-Num"] = str(retry_num)
            sent["X-Slack-Retry-Reason"] = retry_reason
        sent.update(headers or {})
        return self._send("POST", self.path, raw, sent)

    def get(self, path: str) -> Response:
        return self._send("GET", path, None, {})

    def command(self, text: str, **kw: Any) -> Response:
        return self.post(*slash_command(text, directory=self.directory(), **kw))

    def action(self, action_id: str, value: str | None = None, **kw: Any) -> Response:
        return self.post(*block_action(action_id, value, **kw))

    def submit(self, callback_id: str, state_values: Mapping[str, Mapping[str, Json]], **kw: Any) -> Response:
        return answered_view_accepted(self.post(*view_submission(callback_id, state_values, **kw)))

    def shortcut(self, callback_id: str, **kw: Any) -> Response:
        return self.post(*message_shortcut(callback_id, **kw))

    def event(self, event: Json, *, retry_num: int | None = None, **kw: Any) -> Response:
        return self.post(*event_callback(event, **kw), retry_num=retry_num)

    def _send(self, verb: str, path: str, data: bytes | None, headers: dict[str, str]) -> Response:
        url = self.base_url + (path if path.startswith("/") else f"/{path}")
        request = urllib.request.Request(url, data=data, headers=headers, method=verb)
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            # Non-2xx answers are results to assert on, not exceptions.
            with error:
                return Response(error.code, dict(error.headers.items()), error.read())


# ``post`` has a ``sign`` flag, so it reaches the module function through this alias.
_sign = sign
