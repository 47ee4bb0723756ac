"""The envelope shapes Slack documents: what passes to Bolt, and what is named as wrong."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from incidentbot.slack.envelope import problem_with
from tests.e2e.payload_helpers import INTERACTIVE_BASES, event
from tests.support import signing


@pytest.mark.parametrize("kind", sorted(INTERACTIVE_BASES))
def test_payloads_as_slack_sends_them_pass(kind: str) -> None:
    assert problem_with(INTERACTIVE_BASES[kind]()) is None


@pytest.mark.parametrize(
    "body",
    [
        dict(parse_qsl(signing.slash_command("")[0], keep_blank_values=True)),
        json.loads(signing.url_verification()[0]),
        {"type": "block_suggestion", "value": "x"},
        event({"type": "message", "channel": "C1", "subtype": "message_changed"}),
        event({"type": "app_home_opened", "user": "U1", "tab": "home"}),
    ],
)
def test_other_documented_requests_pass(body: dict[str, Any]) -> None:
    assert problem_with(body) is None


def test_the_problem_names_the_field() -> None:
    payload = INTERACTIVE_BASES["block_actions"]()
    payload["actions"] = [{"type": "button", "block_id": "b"}]
    assert problem_with(payload) == "block_actions: actions.0.action_id: Field required"
    assert problem_with(event({"type": "app_home_opened"})) == ("app_home_opened: event.user: Field required")
    assert problem_with(["not", "an", "object"]) == "the body is not an object"
