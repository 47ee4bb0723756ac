"""The setup of an incident an alert rule declared: its triage message links the channel once made,
and what the setup would tell a declarer goes to the commander, or to the alert channel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.declare.service import notices_to
from incidentbot.incident.models import Role, SetupState
from incidentbot.kernel.reminder_rows import RETRY_MAX
from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    TOKEN,
    alertmanager,
    am_alert,
    declaring_critical,
    post,
)
from tests.e2e.helpers import wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

CRITICAL = {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"}
ANNOUNCE = "C0ANNOUNCE"
ONCALL = "U0ONCALL"


@pytest.fixture
def commander() -> str | None:
    return None


@pytest.fixture
def running(
    slack: FakeSlack, database_url: str, clock: ManualClock, commander: str | None
) -> Iterator[RunningBot]:
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    slack.add_channel("announcements", channel_id=ANNOUNCE, members=())  # the bot is not in it
    slack.add_user(ONCALL, "oncall")
    team = TeamConfig(alerts=declaring_critical(commander), announcement_channel=ANNOUNCE)
    with running_bot(slack, database_url, clock, team, alert_intake_token=TOKEN) as bot:
        yield bot


def _fire(running: RunningBot) -> Any:
    assert post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL))).status == 202
    return wait_until(lambda: running.incident(1))


def _triage_texts(running: RunningBot) -> list[str]:
    """What the triage message said, post and each edit, in order."""
    said = []
    for call in running.slack.ok_calls_to("chat.postMessage") + running.slack.ok_calls_to("chat.update"):
        if call.args.get("channel") == ALERT_CHANNEL and "Declared automatically" in str(
            call.args.get("blocks")
        ):
            said.append((call.at, str(call.args.get("blocks"))))
    return [blocks for _, blocks in sorted(said)]


def _in_alert_channel(running: RunningBot, words: str) -> list[str]:
    texts = [str(m.get("text", "")) for m in running.slack.messages(ALERT_CHANNEL)]
    return [text for text in texts if words in text]


def _nothing_to_the_rule(running: RunningBot) -> None:
    assert not [c for c in running.slack.calls_to("chat.postMessage") if c.args.get("channel") == "alerts"]
    assert not [c for c in running.slack.calls_to("chat.postEphemeral") if c.args.get("user") == "alerts"]
    assert not [
        c for c in running.slack.calls_to("conversations.invite") if "alerts" in str(c.args.get("users"))
    ]


def _until_ready(running: RunningBot) -> Any:
    for _ in range(10):
        incident = running.incident(1)
        if incident.setup_state is SetupState.READY:
            return incident
        running.clock.advance(RETRY_MAX)
        running.fire_due()
        running.settle()
    raise AssertionError("the setup never finished")


def test_a_channel_made_after_the_triage_message_is_linked_from_it_once(running: RunningBot) -> None:
    running.slack.inject("conversations.create", status=500, times=3)
    incident = _fire(running)
    wait_until(lambda: _triage_texts(running))
    running.settle()
    assert running.incident(1).channel_id is None
    assert all("<#" not in said for said in _triage_texts(running)), "no channel to link yet"

    incident = _until_ready(running)
    running.clock.advance(RETRY_MAX)
    running.fire_due()
    running.settle()

    link = f"<#{incident.channel_id}>"
    texts = _triage_texts(running)
    assert link in texts[-1]
    linked = [said for said in texts if link in said]
    running.clock.advance(timedelta(hours=1))
    running.fire_due()
    running.settle()
    assert len([said for said in _triage_texts(running) if link in said]) == len(linked) == 1, "edited once"


def test_a_delayed_setup_is_told_in_the_alert_channel_not_to_the_rule(running: RunningBot) -> None:
    running.slack.inject("conversations.create", status=500, times=3)
    _fire(running)

    told = wait_until(lambda: _in_alert_channel(running, "is recorded, but Slack is not answering"))

    assert "invite its commander" in told[0] and "/incident retry" not in told[0]
    _until_ready(running)
    _nothing_to_the_rule(running)


def test_a_setup_that_failed_for_good_is_told_in_the_alert_channel(running: RunningBot) -> None:
    running.slack.inject("conversations.create", error="name_taken", times=None)
    _fire(running)

    told = wait_until(lambda: _in_alert_channel(running, "couldn't finish setting up its channel"))

    assert "Press *Retry*" in told[0]
    _nothing_to_the_rule(running)


def test_a_refused_announcement_is_told_in_the_alert_channel(running: RunningBot) -> None:
    running.slack.bot_scopes.discard("chat:write.public")
    _fire(running)

    told = wait_until(lambda: _in_alert_channel(running, "I couldn't announce incident"))

    assert f"<#{ANNOUNCE}>" in told[0]
    _nothing_to_the_rule(running)


@pytest.mark.parametrize("commander", [ONCALL])
def test_once_the_rule_has_found_its_commander_the_commander_hears(running: RunningBot) -> None:
    incident = _fire(running)
    wait_until(lambda: running.services.view_of(incident.id).roster.holder(Role.COMMANDER) == ONCALL)

    assert notices_to(running.services.view_of(incident.id)) == ONCALL


def test_while_nobody_commands_the_alert_channel_hears(running: RunningBot) -> None:
    incident = _fire(running)
    running.settle()

    assert notices_to(running.services.view_of(incident.id)) == ALERT_CHANNEL
