"""An exception nothing turned into a message is logged once and answered cleanly, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from incidentbot.slack.envelope import DocumentedShape
from incidentbot.slack.listeners import actions
from incidentbot.slack.listeners.deps import Deps
from tests.e2e.payload_helpers import as_interactive, interactive_payload
from tests.support import signing
from tests.support.harness import RunningBot


def _fails(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("unexpected")


def test_an_error_while_explaining_an_error_still_answers_the_acknowledgement(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(actions, "open_modal_for", _fails)
    monkeypatch.setattr(Deps, "failure_text", _fails)
    with caplog.at_level(logging.ERROR):
        response = running.client.action("open_assign_roles", "1", user_id="U001", channel_id="C0000")
    assert response.status == 200, "the listener had acknowledged before it failed"
    assert response.body == b""
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Logged once, with where it failed: the traceback's frames, not its message.
    assert "open_assign_roles failed with RuntimeError" in error.getMessage()
    assert "in _fails" in error.getMessage()


def test_a_failure_whose_request_names_nobody_is_logged_not_a_500(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As if a malformed shape slipped past the envelope check: a `user` that is only an id.
    monkeypatch.setattr(DocumentedShape, "process", lambda self, *, req, resp, next: next())
    monkeypatch.setattr(actions, "open_modal_for", _fails)
    payload = interactive_payload(signing.block_action("open_assign_roles", "1", channel_id="C0000"))
    payload["user"] = "U001"
    with caplog.at_level(logging.ERROR):
        response = running.client.post(*as_interactive(payload))
    assert response.status == 200
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "open_assign_roles failed with RuntimeError" in error.getMessage()
