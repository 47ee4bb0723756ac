"""Signed requests of the wrong shape are the sender's error: 400 and one log line, never a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from incidentbot.clock import ManualClock
from tests.e2e.payload_helpers import INTERACTIVE_BASES, Mutation, as_interactive, event, setting, without
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    path: Path = tmp_path_factory.mktemp("malformed") / "malformed.db"
    with FakeSlack() as slack, running_bot(slack, f"sqlite:///{path}", ManualClock()) as bot:
        yield bot


USER_SHAPES = [setting("user", "U001"), setting("user", None), setting("user", {}), without("user")]
WRONG_SHAPES: list[tuple[str, Mutation]] = [
    *((kind, mutation) for kind in INTERACTIVE_BASES for mutation in USER_SHAPES),
    ("block_actions", setting("actions", [])),
    ("block_actions", setting("actions", [None])),
    ("block_actions", setting("actions", [{"type": "button", "block_id": "b", "action_ts": "1"}])),
    ("block_actions", setting("actions", "take_role:scribe")),
    ("view_submission", setting("view", None)),
    ("view_submission", setting("view", [])),
    ("view_submission", setting("view", {"id": "V1", "state": {"values": {}}})),
    ("view_closed", setting("view", None)),
    ("message_action", setting("message", None)),
    ("message_action", setting("callback_id", None)),
    ("message_action", setting("channel", "C0000")),
]


@pytest.mark.parametrize(("kind", "mutation"), WRONG_SHAPES)
def test_interactive_payloads_of_the_wrong_shape_are_400(
    shared: RunningBot, caplog: pytest.LogCaptureFixture, kind: str, mutation: Mutation
) -> None:
    payload = INTERACTIVE_BASES[kind]()
    mutation(payload)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = shared.client.post(*as_interactive(payload))
    assert response.status == 400, response.text
    assert "Traceback" not in response.text
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refusals) == 1 and refusals[0].exc_info is None, [r.getMessage() for r in refusals]


@pytest.mark.parametrize(
    "inner",
    [
        "app_home_opened",
        ["app_home_opened"],
        None,
        {},
        {"type": None},
        {"type": "app_home_opened", "tab": "home"},
        {"type": "app_home_opened", "user": {}, "tab": "home"},
        {"type": "reaction_added", "reaction": "pushpin"},
    ],
)
def test_events_of_the_wrong_shape_are_400(shared: RunningBot, inner: Any) -> None:
    response = shared.client.post(json.dumps(event(inner)), signing.JSON)
    assert response.status == 400, response.text


@pytest.mark.parametrize("missing", ["user_id", "command", "team_id"])
def test_slash_commands_missing_a_field_slack_always_sends_are_400(shared: RunningBot, missing: str) -> None:
    fields = {k: v[0] for k, v in parse_qs(signing.slash_command("list")[0]).items()}
    del fields[missing]
    assert shared.client.post(urlencode(fields), signing.FORM).status == 400


@pytest.mark.parametrize("kind", sorted(INTERACTIVE_BASES))
def test_the_same_payloads_well_formed_are_answered(shared: RunningBot, kind: str) -> None:
    response = shared.client.post(*as_interactive(INTERACTIVE_BASES[kind]()))
    # No modal asks for view_closed (notify_on_close), so Bolt finds no listener for it: 404.
    assert response.status == (404 if kind == "view_closed" else 200), response.text


def test_a_well_formed_event_is_answered(shared: RunningBot) -> None:
    inner = {"type": "app_home_opened", "user": "U002", "tab": "home", "channel": "D1"}
    assert shared.client.post(json.dumps(event(inner)), signing.JSON).status == 200


def test_a_body_bolt_cannot_parse_is_one_log_line_without_a_traceback(
    shared: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = shared.client.post("payload=%7Bnot-json", signing.FORM)
    assert response.status == 400
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.exc_info is None and "could not parse" in line.getMessage()
