"""Slack refusing a configured channel: the commander learns which and what to do, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_comms_texts import submit_text
from tests.e2e.wrapup_helpers import last_modal
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

ANNOUNCE = "C0ANNOUNCE"
STAKEHOLDERS = "C0STAKE"


@pytest.fixture
def outside(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    """The bot is a member of neither configured channel, and has no chat:write.public."""
    slack.bot_scopes.discard("chat:write.public")
    slack.add_channel("incidents", channel_id=ANNOUNCE, members=["U001", "U002"])
    slack.add_channel("stakeholders", channel_id=STAKEHOLDERS, members=["U001", "U002"])
    team = TeamConfig(announcement_channel=ANNOUNCE, stakeholder_channel=STAKEHOLDERS)
    with running_bot(slack, database_url, clock, team) as bot:
        yield bot


def _dms_to(running: RunningBot, user: str, words: str) -> list[str]:
    dm = running.slack.dm_channel_id(user)
    return [
        c.args["text"]
        for c in running.slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] in (user, dm) and words in c.args["text"]
    ]


def _attempts(running: RunningBot, channel: str) -> int:
    return len([c for c in running.slack.calls_to("chat.postMessage") if c.args["channel"] == channel])


def test_an_announcement_channel_without_the_bot_is_explained_to_the_commander_once(
    outside: RunningBot,
) -> None:
    incident = declare(outside, commander="U002")
    assert incident.setup_state == "ready", "a refused announcement does not hold up the incident"
    [told] = wait_until(lambda: _dms_to(outside, "U002", f"<#{ANNOUNCE}>"))
    assert "/invite @incidentbot" in told and "chat:write.public" in told and incident.label in told
    assert _attempts(outside, ANNOUNCE) == 1
    outside.clock.advance(timedelta(hours=2))
    outside.fire_due()
    outside.fire_due()
    assert _attempts(outside, ANNOUNCE) == 1, "a permanent refusal is not retried"
    assert len(_dms_to(outside, "U002", f"<#{ANNOUNCE}>")) == 1


def test_with_chat_write_public_the_bot_announces_without_being_a_member(outside: RunningBot) -> None:
    outside.slack.bot_scopes.add("chat:write.public")
    incident = declare(outside)
    posted = [c for c in outside.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == ANNOUNCE]
    assert len(posted) == 1 and f"<#{incident.channel_id}>" in posted[0].args["text"]


def test_a_stakeholder_channel_without_the_bot_is_explained_to_the_author(outside: RunningBot) -> None:
    incident = declare(outside, comms="U002")
    outside.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    view = last_modal(outside)
    draft = view["blocks"][-1]["element"]["initial_value"]
    assert not submit_text(outside, view, draft).body
    told = wait_until(
        lambda: [
            c.args["text"]
            for c in outside.slack.ok_calls_to("chat.postEphemeral")
            if c.args["user"] == "U002" and f"<#{STAKEHOLDERS}>" in c.args["text"]
        ]
    )
    assert "/invite @incidentbot" in told[0] and "chat:write.public" in told[0]
    assert _attempts(outside, STAKEHOLDERS) == 1
