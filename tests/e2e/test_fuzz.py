"""Random and malformed input through the real endpoint: never a 5xx, never an unescaped ping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentbot.clock import ManualClock
from tests.e2e.helpers import declare_state
from tests.e2e.payload_helpers import INTERACTIVE_BASES, as_interactive, event, setting, without
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

# A raw special mention or a user mention that did not come from the bot's own templates.
RAW_PING = re.compile(r"<!(channel|here|everyone)>|<@UFAKE")
NASTY = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@UFAKE>",
        "&",
        "<",
        ">",
        "|",
        "*",
        "`",
        "\u202e",
        "\x00",
        "🔥",
        "\n",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=12).map("".join)
SUBCOMMANDS = st.sampled_from(["", "declare", "role", "severity", "status", "list", "help", "retry", "zzz"])
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    with FakeSlack() as slack, running_bot(slack, f"sqlite:///{path}", ManualClock()) as bot:
        yield bot


# Fields Slack never parses as mrkdwn: form prefills, button values, our own metadata.
LITERAL_KEYS = {"initial_value", "value", "private_metadata", "trigger_id", "action_id", "block_id"}


def _mrkdwn_strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return
        for key, value in node.items():
            if key not in LITERAL_KEYS:
                yield from _mrkdwn_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _mrkdwn_strings(item)
    elif isinstance(node, str):
        yield node


def _no_raw_ping_reached_slack(bot: RunningBot) -> None:
    for call in bot.slack.calls:
        for text in _mrkdwn_strings(call.args):
            assert not RAW_PING.search(text), (call.method, text)


@FUZZ
@given(subcommand=SUBCOMMANDS, rest=TEXT)
def test_random_slash_commands(shared: RunningBot, subcommand: str, rest: str) -> None:
    response = shared.client.command(f"{subcommand} {rest}", user_id="U001", channel_id="C0000")
    assert response.status == 200
    assert "Traceback" not in response.text
    assert not RAW_PING.search(response.text)
    _no_raw_ping_reached_slack(shared)


@FUZZ
@given(
    title=TEXT, impact=TEXT, severity=st.one_of(st.text(max_size=3), st.sampled_from(["1", "2", "3", "4"]))
)
def test_random_declarations(shared: RunningBot, title: str, impact: str, severity: str) -> None:
    response = shared.client.submit(
        "declare_incident", declare_state(title=title, impact=impact, severity=severity)
    )
    assert response.status == 200
    assert "Traceback" not in response.text
    _no_raw_ping_reached_slack(shared)


JSONISH: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(["title", "severity", "impact", "comms", "x"]), JSONISH, max_size=5
    )
)
def test_malformed_view_state(shared: RunningBot, values: dict[str, Any]) -> None:
    response = shared.client.submit("declare_incident", {k: {"value": v} for k, v in values.items()})
    assert response.status == 200


@FUZZ
@given(
    event=st.dictionaries(st.sampled_from(["type", "user", "tab", "item", "reaction", "channel"]), JSONISH)
)
def test_malformed_events(shared: RunningBot, event: dict[str, Any]) -> None:
    response = shared.client.event(event, event_id=f"Ev{abs(hash(json.dumps(event, default=str)))}")
    assert response.status < 500


def test_garbage_bodies_are_refused_cleanly(shared: RunningBot) -> None:
    for body, content_type in [
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("{", "application/json"),
        ("", "application/x-www-form-urlencoded"),
        ("\xff\xfe", "text/plain"),
    ]:
        assert shared.client.post(body, content_type).status < 500
    assert signing  # the signing helpers are what made these requests pass verification


# Envelopes bent out of Slack's documented shape: every one is refused (4xx), none is a 5xx.
SHAPES: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([None, {}, [], [None], [{}], "U001", 0, {"id": None}, {"id": ""}, {"id": 7}]),
    JSONISH,
)
DROP = object()
"""Take the key out of the envelope rather than setting it."""
ENVELOPE_KEYS = st.sampled_from(
    ["user", "view", "actions", "channel", "container", "message", "trigger_id", "callback_id", "type"]
)
EVENT_KINDS = st.sampled_from(["app_home_opened", "reaction_added", "reaction_removed", "message", ""])


@FUZZ
@given(
    kind=st.sampled_from(sorted(INTERACTIVE_BASES)),
    changes=st.dictionaries(ENVELOPE_KEYS, st.one_of(st.just(DROP), SHAPES), min_size=1, max_size=3),
)
def test_interactive_envelopes_of_any_shape_are_never_a_5xx(
    shared: RunningBot, kind: str, changes: dict[str, Any]
) -> None:
    payload = INTERACTIVE_BASES[kind]()
    for key, value in changes.items():
        (without(key) if value is DROP else setting(key, value))(payload)
    response = shared.client.post(*as_interactive(payload))
    assert response.status < 500, (payload, response.text)
    assert "Traceback" not in response.text


@FUZZ
@given(
    inner=st.one_of(
        SHAPES,
        st.fixed_dictionaries(
            {"type": EVENT_KINDS},
            optional={"user": SHAPES, "tab": SHAPES, "item": SHAPES, "reaction": SHAPES, "channel": SHAPES},
        ),
    )
)
def test_event_envelopes_of_any_shape_are_never_a_5xx(shared: RunningBot, inner: Any) -> None:
    envelope = event(inner)
    envelope["event_id"] = f"Ev{abs(hash(json.dumps(envelope, default=str)))}"
    response = shared.client.post(json.dumps(envelope), signing.JSON)
    assert response.status < 500, (inner, response.text)


@FUZZ
@given(
    dropped=st.sets(st.sampled_from(["user_id", "command", "team_id", "channel_id", "text", "trigger_id"])),
    text=TEXT,
)
def test_slash_command_forms_missing_fields_are_never_a_5xx(
    shared: RunningBot, dropped: set[str], text: str
) -> None:
    fields = dict(parse_qsl(signing.slash_command(text)[0], keep_blank_values=True))
    for key in dropped:
        del fields[key]
    response = shared.client.post(urlencode(fields), signing.FORM)
    assert response.status < 500, (fields, response.text)
