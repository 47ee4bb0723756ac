"""Self-tests of the signing helpers: signatures check out with slack_sdk's verifier, and a real
Bolt app behind a WSGI server routes every builder's request to the right listener."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    SlackClientForTests,
    block_action,
    checkboxes,
    datepicker,
    datetimepicker,
    event_callback,
    message_shortcut,
    plain,
    sign,
    slash_command,
    static_select,
    users_select,
    view_submission,
)

SECRET = "shh-signing-secret"
Seen = queue.Queue[tuple[str, Any]]


# --------------------------------------------------------------------------------------------
# pure helpers


def test_signature_verifies_with_slack_sdk() -> None:
    body, _ = slash_command("declare db down")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert sign(SECRET, body.encode(), 1_700_000_000) == sign(SECRET, body, 1_700_000_000)
    assert not verifier.is_valid(body + "x", *sign(SECRET, body).values())


def test_slash_command_is_form_encoded_like_slack() -> None:
    body, content_type = slash_command("declare db down", user_id="U002", channel_id="C0100")
    fields = {k: v[0] for k, v in parse_qs(body).items()}
    assert content_type == "application/x-www-form-urlencoded"
    assert fields["command"] == "/incident"
    assert (fields["text"], fields["user_id"], fields["channel_id"]) == (
        "declare db down",
        "U002",
        "C0100",
    )
    assert fields["trigger_id"], "every request carries a trigger id"
    again = {k: v[0] for k, v in parse_qs(slash_command("declare db down")[0]).items()}
    assert again["trigger_id"] != fields["trigger_id"], "Slack issues a new one with each request"


def test_a_resent_view_submission_carries_the_same_view_id_and_hash() -> None:
    first = payload_of(view_submission("cb", {}, view_id="V42", view_hash="1.abc")[0])["view"]
    again = payload_of(view_submission("cb", {}, view_id="V42", view_hash="1.abc")[0])["view"]
    other = payload_of(view_submission("cb", {})[0])["view"]
    assert (first["id"], first["hash"]) == (again["id"], again["hash"]) == ("V42", "1.abc")
    assert other["id"] != first["id"], "without a view id each submission is of a view of its own"


def test_each_click_has_its_own_action_ts_unless_resent() -> None:
    stamps = [payload_of(block_action("ack")[0])["actions"][0]["action_ts"] for _ in range(50)]
    assert len(set(stamps)) == 50
    resent = payload_of(block_action("ack", action_ts=stamps[0])[0])["actions"][0]["action_ts"]
    assert resent == stamps[0]


def test_slash_command_text_is_sent_as_slack_sends_what_a_person_typed() -> None:
    def sent(typed: str, **kw: Any) -> str:
        return parse_qs(slash_command(typed, **kw)[0])["text"][0]

    # The shipped manifest has should_escape on: completed mentions carry their names.
    assert sent("role comms @carol & co") == "role comms <@U003|carol> &amp; co"
    assert sent("note @here see #general") == "note <!here> see <#C0000|general>"
    assert sent("role comms @carol", should_escape=False) == "role comms @carol"


def payload_of(body: str) -> Any:
    return json.loads(parse_qs(body)["payload"][0])


def test_block_action_payload_shapes() -> None:
    button = payload_of(block_action("ack", "inc-1", channel_id="C1", message_ts="1.000100")[0])
    assert button["type"] == "block_actions"
    assert button["actions"][0] == {**button["actions"][0], "type": "button", "value": "inc-1"}
    assert button["container"]["message_ts"] == "1.000100"
    picked = payload_of(block_action("sev", selected_option="sev1", view={"id": "V9"})[0])
    assert picked["actions"][0]["selected_option"]["value"] == "sev1"
    assert picked["container"] == {"type": "view", "view_id": "V9"}
    user = payload_of(block_action("role", selected_user="U003")[0])
    assert user["actions"][0]["selected_user"] == "U003"


def test_view_submission_carries_state_values() -> None:
    values = {
        "title": {"title": plain("DB down")},
        "severity": {"severity": static_select("sev1")},
        "commander": {"commander": users_select(None)},
        "flags": {"flags": checkboxes(["private"])},
        "started": {"started": datetimepicker(1_700_000_000)},
        "day": {"day": datepicker("2024-01-31")},
    }
    body, _ = view_submission("declare", values, private_metadata='{"c":"C1"}', user_id="U004")
    payload = payload_of(body)
    assert payload["type"] == "view_submission"
    assert payload["user"]["id"] == "U004"
    assert payload["view"]["callback_id"] == "declare"
    assert payload["view"]["private_metadata"] == '{"c":"C1"}'
    assert payload["view"]["state"]["values"] == values


def test_message_shortcut_and_event_callback() -> None:
    message = {"type": "message", "ts": "1700000001.000100", "text": "look", "user": "U002"}
    shortcut = payload_of(message_shortcut("capture", channel_id="C1", message=message)[0])
    assert (shortcut["type"], shortcut["message_ts"]) == ("message_action", message["ts"])
    body, content_type = event_callback({"type": "app_mention", "text": "hi"}, event_id="Ev9")
    assert content_type == "application/json"
    assert json.loads(body)["event_id"] == "Ev9"


# --------------------------------------------------------------------------------------------
# end to end against a real Bolt app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_app(fake: FakeSlack, seen: Seen) -> App:
    app = App(signing_secret=SECRET, client=WebClient(token="xoxb-test", base_url=fake.url))

    @app.command("/incident")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        ack(f"got {command['text']}")
        seen.put(("command", command))

    @app.action("ack")
    def action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen.put(("action", body))

    @app.view("declare")
    def submit(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen.put(("view", view))

    @app.view("oversized_answer")
    def answer_with_too_many_blocks(ack: Ack, view: dict[str, Any]) -> None:
        divider = {"type": "divider"}
        blocks = [divider] * int(view["private_metadata"])
        title = {"type": "plain_text", "text": "Review"}
        ack(response_action="update", view={"type": "modal", "title": title, "blocks": blocks})

    @app.shortcut("capture")
    def shortcut(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        seen.put(("shortcut", shortcut))

    @app.event("app_mention")
    def mention(event: dict[str, Any], request: BoltRequest) -> None:
        seen.put(("event", (event, request.headers.get("x-slack-retry-num"))))

    return app


@pytest.fixture(scope="module")
def bolt() -> Iterator[tuple[SlackClientForTests, Seen, FakeSlack]]:
    seen: Seen = queue.Queue()
    with FakeSlack() as fake:
        app = build_app(fake, seen)
        server: WSGIServer = make_server(
            "127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler
        )
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        try:
            yield SlackClientForTests(f"http://127.0.0.1:{server.server_port}", SECRET), seen, fake
        finally:
            server.shutdown()
            server.server_close()


def next_seen(seen: Seen, kind: str) -> Any:
    got_kind, value = seen.get(timeout=5)
    assert got_kind == kind
    return value


def test_bolt_accepts_a_signed_command(bolt: tuple[SlackClientForTests, Seen, FakeSlack]) -> None:
    client, seen, fake = bolt
    response = client.command("declare db down", user_id="U002")
    assert response.status == 200
    assert "got declare db down" in response.text
    assert next_seen(seen, "command")["user_id"] == "U002"
    assert fake.count("auth.test") >= 1  # Bolt checked its token against the fake


def test_bolt_rejects_bad_or_stale_signatures(
    bolt: tuple[SlackClientForTests, Seen, FakeSlack],
) -> None:
    client, _, _ = bolt
    body, content_type = slash_command("x")
    assert client.post(body, content_type, sign=False).status == 401
    stale = int(time.time()) - 600
    assert client.post(body, content_type, timestamp=stale).status == 401
    forged = signing.sign("wrong-secret", body)
    assert client.post(body, content_type, sign=False, headers=forged).status == 401


def test_bolt_routes_actions_views_shortcuts_events(
    bolt: tuple[SlackClientForTests, Seen, FakeSlack],
) -> None:
    client, seen, _ = bolt
    assert client.action("ack", "inc-1", channel_id="C0000", message_ts="1.000100").status == 200
    assert next_seen(seen, "action")["actions"][0]["value"] == "inc-1"

    assert client.submit("declare", {"t": {"t": plain("DB")}}).status == 200
    assert next_seen(seen, "view")["state"]["values"]["t"]["t"]["value"] == "DB"

    message = {"type": "message", "ts": "1700000001.000100", "text": "look"}
    assert client.shortcut("capture", channel_id="C0000", message=message).status == 200
    assert next_seen(seen, "shortcut")["message"]["text"] == "look"

    mention = {"type": "app_mention", "user": "U001", "text": "<@UBOT> hi", "channel": "C0000"}
    assert client.event(mention, event_id="Ev2", retry_num=1).status == 200
    event, retry_num = next_seen(seen, "event")
    assert (event["text"], retry_num) == ("<@UBOT> hi", ["1"])


def test_get_returns_non_2xx_as_a_response(
    bolt: tuple[SlackClientForTests, Seen, FakeSlack],
) -> None:
    _, _, fake = bolt
    answer = SlackClientForTests(fake.base, SECRET).get("/nowhere")
    assert answer.status == 404
    assert b"no route" in answer.body


def test_a_form_answer_with_a_view_slack_refuses_fails_the_test(
    bolt: tuple[SlackClientForTests, Seen, FakeSlack],
) -> None:
    client, _, _ = bolt
    accepted = client.submit("oversized_answer", {}, private_metadata="100")
    assert accepted.json()["response_action"] == "update"
    with pytest.raises(AssertionError, match="no more than 100 items"):
        client.submit("oversized_answer", {}, private_metadata="101")
