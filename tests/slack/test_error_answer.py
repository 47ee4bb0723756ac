"""An exception escaping any listener becomes an answer the person reads, and Slack a 200."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from incidentbot.kernel import commands
from incidentbot.kernel.errors import NotPermitted
from incidentbot.timeline import capture as timeline_capture
from tests.e2e.helpers import declare, declare_state, wait_until
from tests.support.harness import RunningBot

SECRET = "Customer ACME-4471 typed this"
GENERIC = "Something went wrong on my side and I couldn't finish that."


def _fail(*_: Any, **__: Any) -> None:
    raise RuntimeError(SECRET)


def _told(running: RunningBot, user: str) -> list[str]:
    return [
        str(c.args["text"]) for c in running.slack.calls_to("chat.postEphemeral") if c.args["user"] == user
    ]


def _assert_logged_by_ids_only(caplog: pytest.LogCaptureFixture, kind: str, name: str) -> None:
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert f"{kind} {name} failed with RuntimeError for user U001" in logged
    assert SECRET not in logged, "what people type stays out of the log"


def test_a_slash_command_that_fails_answers_with_what_to_do(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    incident = declare(running)
    monkeypatch.setattr(commands, "submit", _fail)
    response = running.client.command(f"note {SECRET}", channel_id=incident.channel_id)
    assert response.status == 200
    assert response.text.startswith(GENERIC) and "try again" in response.text
    _assert_logged_by_ids_only(caplog, "command", "/incident")


def test_a_button_that_fails_tells_the_person(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    incident = declare(running)
    monkeypatch.setattr(commands, "submit", _fail)
    response = running.client.action(
        "take_role:scribe", f"{incident.id}:scribe", channel_id=incident.channel_id
    )
    assert response.status == 200
    assert wait_until(lambda: any(t.startswith(GENERIC) for t in _told(running, "U001")))
    _assert_logged_by_ids_only(caplog, "block_actions", "take_role:scribe")


def test_a_form_that_fails_stays_open_with_what_to_do_beside_it(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(commands, "submit", _fail)
    state = declare_state(title=SECRET)
    inputs = [
        {"type": "input", "block_id": block, "element": {"type": "plain_text_input"}} for block in state
    ]
    response = running.client.submit(
        "declare_incident", state, user_id="U001", private_metadata='{"channel": "C0GENERAL"}', blocks=inputs
    )
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["title"], "the first field of the form"
    assert answer["errors"]["title"].startswith(GENERIC)
    _assert_logged_by_ids_only(caplog, "view_submission", "declare_incident")


def test_an_event_that_fails_is_acknowledged_and_the_person_told(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    incident = declare(running)
    monkeypatch.setattr(timeline_capture, "message_edited", _fail)
    message = {"type": "message", "user": "U001", "text": SECRET, "ts": "1700000000.000100"}
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": incident.channel_id,
        "hidden": True,
        "ts": "1700000001.000100",
        "message": message,
        "previous_message": message | {"text": "before"},
    }
    response = running.client.event(edited)
    assert response.status == 200, "a 500 would only make Slack send the event again"
    assert wait_until(lambda: any(t.startswith(GENERIC) for t in _told(running, "U001")))
    _assert_logged_by_ids_only(caplog, "event", "message")


def test_an_incident_error_escaping_a_button_says_what_to_do(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = declare(running)

    def refuse(*_: Any, **__: Any) -> None:
        raise NotPermitted()

    monkeypatch.setattr(commands, "submit", refuse)
    response = running.client.action(
        "take_role:scribe", f"{incident.id}:scribe", channel_id=incident.channel_id
    )
    assert response.status == 200
    expected = running.bot.deps.error_text(NotPermitted())
    assert wait_until(lambda: expected in _told(running, "U001"))
