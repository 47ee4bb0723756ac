"""The declare modal answers bad input inline and keeps what was typed."""

from __future__ import annotations

import json

import pytest

from tests.e2e.helpers import declare, submit_declare
from tests.support.harness import RunningBot


def _errors(response: object) -> dict[str, str]:
    body = json.loads(response.body)  # type: ignore[attr-defined]
    assert body["response_action"] == "errors"
    return dict(body["errors"])


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("", "Give the incident a title"),
        ("   ", "Give the incident a title"),
        ("x" * 81, "under 80 characters"),
        ("🔥🔥🔥", "at least one word or number"),
        ("!!! ???", "at least one word or number"),
    ],
)
def test_bad_titles_are_refused_in_the_modal(running: RunningBot, title: str, expected: str) -> None:
    errors = _errors(submit_declare(running, title=title))
    assert expected in errors["title"]
    assert running.incident() is None, "nothing is recorded until the form is valid"
    assert running.slack.count("conversations.create") == 0


def test_missing_impact_and_severity_are_explained(running: RunningBot) -> None:
    errors = _errors(submit_declare(running, impact="", severity="9"))
    assert "who is affected" in errors["impact"]
    assert "Pick a severity" in errors["severity"]


def test_a_bot_or_unknown_person_cannot_hold_a_role(running: RunningBot) -> None:
    errors = _errors(submit_declare(running, comms="UBOT", scribe="U999"))
    assert "A bot can't hold" in errors["comms"]
    assert "can't find this person" in errors["scribe"]


def test_mention_and_channel_injection_in_the_title_is_escaped(running: RunningBot) -> None:
    incident = declare(running, title="<!channel> down <@U002> & <https://evil|x>")
    texts = [c.args["text"] for c in running.slack.ok_calls_to("chat.postMessage")]
    texts += [c.args["text"] for c in running.slack.ok_calls_to("chat.update")]
    assert texts
    for text in texts:
        assert "<!channel>" not in text
        assert "<@U002> &" not in text
        assert "<https://evil" not in text
    assert any("&lt;!channel&gt; down &lt;@U002&gt; &amp;" in t for t in texts)
    assert incident.channel_name == "inc-1-channel-down-u002-https-evil-x"
