"""Forms open through the Slack port (`Workspace.open_view`), and each way Slack refuses one gets
the answer that helps the person who clicked."""

from __future__ import annotations

import logging
import time

import pytest

from tests.e2e.helpers import declare, wait_until
from tests.support.harness import RunningBot
from tests.support.interaction_ids import fresh_trigger_id


def _ephemerals(running: RunningBot, user_id: str) -> list[str]:
    return [
        str(c.args.get("text", ""))
        for c in running.slack.ok_calls_to("chat.postEphemeral")
        if c.args["user"] == user_id
    ]


def _views_opened(running: RunningBot, since: int) -> list[str | None]:
    """The errors of the views.open calls after the first `since` (None: opened)."""
    return [c.error for c in running.slack.calls_to("views.open")[since:]]


def _late_trigger() -> str:
    """A trigger Slack issued 3.5 seconds ago (`fake_slack.issued_at`)."""
    return f"{int((time.time() - 3.5) * 1000)}.1.faketrigger"


def _click_post_update(running: RunningBot, channel_id: str, incident_id: int, **kw: str) -> None:
    answer = running.client.action(
        "open_update", str(incident_id), channel_id=channel_id, user_id="U002", **kw
    )
    assert answer.status == 200


def test_a_click_opens_its_form_through_the_port(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    before = running.slack.count("views.open")
    _click_post_update(running, incident.channel_id, incident.id)
    opened = running.slack.wait_for("views.open", before + 1)[before]
    assert opened.ok and opened.args["view"]["callback_id"] == "post_update"
    running.settle()
    assert _ephemerals(running, "U002") == []


def test_a_trigger_past_its_three_seconds_asks_for_a_new_click(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    before = running.slack.count("views.open")
    _click_post_update(running, incident.channel_id, incident.id, trigger_id=_late_trigger())
    wait_until(lambda: _ephemerals(running, "U002"))
    [told] = _ephemerals(running, "U002")
    assert "didn't open in time" in told and "again" in told
    assert _views_opened(running, before) == ["expired_trigger_id"]


def test_a_trigger_already_used_opens_nothing_more_and_says_nothing(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    before = running.slack.count("views.open")
    trigger = fresh_trigger_id()
    _click_post_update(running, incident.channel_id, incident.id, trigger_id=trigger)
    running.slack.wait_for("views.open", before + 1)
    # The same click delivered again with a new action_ts: the trigger has opened its one view.
    _click_post_update(running, incident.channel_id, incident.id, trigger_id=trigger)
    running.slack.wait_for("views.open", before + 2)
    # A late click after it, whose answer is told: once it is, the second click's would have been.
    _click_post_update(running, incident.channel_id, incident.id, trigger_id=_late_trigger())
    wait_until(lambda: _ephemerals(running, "U002"))
    running.settle()
    assert _views_opened(running, before) == [None, "exchanged_trigger_id", "expired_trigger_id"]
    assert len(_ephemerals(running, "U002")) == 1
    assert "didn't open in time" in _ephemerals(running, "U002")[0]


@pytest.mark.parametrize("refusal", ["invalid_arguments", "view_too_large"])
def test_a_form_slack_refuses_is_logged_and_explained_as_the_bots_fault(
    running: RunningBot, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    incident = declare(running, comms="U002")
    running.slack.inject("views.open", error=refusal)
    with caplog.at_level(logging.ERROR, logger="incidentbot.slack.gateway"):
        _click_post_update(running, incident.channel_id, incident.id)
        wait_until(lambda: _ephemerals(running, "U002"))
    [told] = _ephemerals(running, "U002")
    assert "wouldn't show that form" in told and "logged" in told
    assert "try again" not in told.lower(), "the same form would be refused again"
    logged = [r.getMessage() for r in caplog.records if r.name == "incidentbot.slack.gateway"]
    assert any("post_update" in line and refusal in line for line in logged), logged
