"""A team that lets anyone hand over command (`commander_only_reassigns_commander = false`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.incident.permissions import Permissions
from incidentbot.incident.policy import Policy
from tests.e2e.helpers import declare, wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

NOTE = "Mitigation in place; watching the error rate"


@pytest.fixture
def relaxed(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    policy = Policy(permissions=Permissions(commander_only_reassigns_commander=False))
    with running_bot(slack, database_url, clock, TeamConfig(policy=policy)) as bot:
        yield bot


def _ephemerals(running: RunningBot, user: str) -> list[str]:
    calls = running.slack.calls_to("chat.postEphemeral")
    return [str(c.args["text"]) for c in calls if c.args.get("user") == user]


def test_anyone_may_hand_over_when_the_team_allows_it(relaxed: RunningBot) -> None:
    incident = declare(relaxed, comms="U002")
    response = relaxed.client.command(
        f"handoff @carol {NOTE}", user_id="U002", channel_id=incident.channel_id
    )
    assert response.status == 200
    wait_until(lambda: relaxed.services.view_of(incident.id).roster.commander == "U003")
    relaxed.slack.wait_until(
        lambda: any("is handed over to <@U003>" in t for t in _ephemerals(relaxed, "U002"))
    )


def test_handing_command_to_the_one_who_holds_it_says_so(relaxed: RunningBot) -> None:
    incident = declare(relaxed, comms="U002")
    relaxed.client.command(f"handoff @alice {NOTE}", user_id="U002", channel_id=incident.channel_id)
    relaxed.slack.wait_until(lambda: bool(_ephemerals(relaxed, "U002")), timeout=30)
    (reply,) = _ephemerals(relaxed, "U002")
    assert "<@U001> already holds command" in reply
    assert "`/incident handoff @dana" in reply, "says what to type"
    assert relaxed.services.view_of(incident.id).roster.commander == "U001"
