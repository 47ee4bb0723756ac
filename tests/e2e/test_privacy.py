"""A private incident never shows to people outside its channel: App Home, stats, exports, broadcasts.

Alice (U001) declares; her private incident's channel holds her and the bot. Dave (U004) is in
neither incident channel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.wrapup_helpers import ANNOUNCE, STAKEHOLDERS, last_modal, posted
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

OUTSIDER = "U004"


@pytest.fixture
def broadcasting(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    team = TeamConfig(announcement_channel=ANNOUNCE, stakeholder_channel=STAKEHOLDERS)
    with running_bot(slack, database_url, clock, team) as bot:
        yield bot


def _public_and_private(running: RunningBot) -> tuple[Any, Any]:
    public = declare(running, title="Search is slow")
    submit_declare(running, title="Payroll export leaked", private=True)
    secret = wait_until(lambda: (i := running.incident(2)) and i.setup_state == "ready" and i)
    assert secret.is_private and OUTSIDER not in running.slack.members(secret.channel_id)
    return public, secret


def _home_of(running: RunningBot, user: str, event_id: str) -> str:
    running.client.event({"type": "app_home_opened", "user": user, "tab": "home"}, event_id=event_id)

    def published() -> str | None:
        calls = [c for c in running.slack.ok_calls_to("views.publish") if c.args["user_id"] == user]
        return json.dumps(calls[-1].args["view"]) if calls else None

    return wait_until(published)


def test_app_home_shows_a_private_incident_only_to_members(running: RunningBot) -> None:
    _, secret = _public_and_private(running)
    outsider = _home_of(running, OUTSIDER, "EvHomeOutsider")
    assert "Search is slow" in outsider
    assert "Payroll export" not in outsider and secret.channel_id not in outsider
    assert "#2" not in outsider
    member = _home_of(running, "U001", "EvHomeMember")
    assert "Search is slow" in member and "Payroll export leaked" in member


def test_period_stats_count_a_private_incident_only_for_members(running: RunningBot) -> None:
    _, secret = _public_and_private(running)
    outsider = running.client.command("stats", user_id=OUTSIDER, channel_id="C0GENERAL").body.decode()
    assert "Incidents declared in the last 30 days: 1*" in outsider
    assert "Payroll" not in outsider and secret.channel_id not in outsider
    assert "Private incidents count only for the members of their channels" in outsider
    member = running.client.command("stats", user_id="U001", channel_id="C0GENERAL").body.decode()
    assert "Incidents declared in the last 30 days: 2*" in member


def test_only_a_private_incident_leaves_the_outsider_with_nothing(running: RunningBot) -> None:
    submit_declare(running, title="Payroll export leaked", private=True)
    wait_until(lambda: (i := running.incident(1)) and i.setup_state == "ready" and i)
    outsider = running.client.command("stats", user_id=OUTSIDER, channel_id="C0GENERAL").body.decode()
    assert "No incidents you can see were declared in the last 30 days" in outsider


@pytest.mark.parametrize("command", ["timeline export", "timeline", "postmortem", "stats", "actions"])
def test_nothing_about_an_incident_is_given_out_from_outside_its_channel(
    running: RunningBot, command: str
) -> None:
    """Every command that shows or exports an incident works only in the incident's channel, and
    none takes an incident number; a private channel is open only to its members."""
    _, secret = _public_and_private(running)
    running.slack.clear_calls()
    answer = running.client.command(command, user_id=OUTSIDER, channel_id="C0GENERAL").body.decode()
    numbered = running.client.command(f"{command} 2", user_id=OUTSIDER, channel_id="C0GENERAL")
    for text in (answer, numbered.body.decode()):
        assert "Payroll" not in text and secret.channel_id not in text
    assert not running.slack.calls_to("files.getUploadURLExternal")
    assert not running.slack.calls_to("files.completeUploadExternal")
    assert not [c for c in running.slack.calls if c.args.get("user") == OUTSIDER and "Payroll" in str(c.args)]


def test_a_private_incident_is_neither_announced_nor_summarised_for_stakeholders(
    broadcasting: RunningBot,
) -> None:
    running = broadcasting
    submit_declare(running, title="Payroll export leaked", private=True)
    secret = wait_until(lambda: (i := running.incident(1)) and i.setup_state == "ready" and i)
    running.client.command("comms stakeholder", channel_id=secret.channel_id, user_id="U001")
    view = last_modal(running)
    draft = view["blocks"][-1]["element"]["initial_value"]
    state = {"text": {"value": signing.plain(draft)}}
    response = running.client.submit(
        "comms_text", state, user_id="U001", private_metadata=view["private_metadata"]
    )
    assert response.status == 200 and not response.body
    posted(running, secret.channel_id, "Stakeholder summary for incident #1")
    running.client.command("status identified", channel_id=secret.channel_id, user_id="U001")
    wait_until(lambda: running.incident(1).status == "identified")
    posts = running.slack.calls_to("chat.postMessage") + running.slack.calls_to("chat.update")
    assert not [c for c in posts if c.args["channel"] in (ANNOUNCE, STAKEHOLDERS)]
    assert running.incident(1).announcement_ts is None
