"""A SEV-1 or SEV-2 with nothing public a few minutes after it was declared prompts its channel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from tests.e2e.helpers import declare
from tests.status_page.helpers import open_customer_form, published, submit_customer, team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

NEEDLE = "customers have heard nothing"


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def prompts(running: RunningBot, channel: str) -> list[str]:
    calls = running.slack.ok_calls_to("chat.postMessage")
    return [
        c.args["text"] for c in calls if c.args["channel"] == channel and NEEDLE in c.args["text"].lower()
    ]


def test_nothing_public_after_five_minutes_prompts_the_comms_lead_once(team: RunningBot) -> None:
    incident = declare(team, comms="U002")
    team.clock.advance(timedelta(minutes=4, seconds=59))
    team.fire_due()
    assert prompts(team, incident.channel_id) == []
    team.clock.advance(timedelta(seconds=1))
    team.fire_due()
    [prompt] = prompts(team, incident.channel_id)
    assert prompt.startswith(
        ":loudspeaker: <@U002>, customers have heard nothing about this SEV-1 for 5 minutes"
    )
    team.clock.advance(timedelta(minutes=30))
    team.fire_due()
    assert len(prompts(team, incident.channel_id)) == 1
    with team.services.store.transaction() as tx:
        assert any("Prompted to publish on the status page" in e.text for e in tx.events(incident.id))


def test_a_published_text_in_time_means_no_prompt(team: RunningBot) -> None:
    incident = declare(team, severity="2")
    team.clock.advance(timedelta(minutes=3))
    assert not submit_customer(team, open_customer_form(team, incident.channel_id)).body
    published(team, incident.id)
    team.clock.advance(timedelta(minutes=5))
    team.fire_due()
    assert prompts(team, incident.channel_id) == []


@pytest.mark.parametrize("fields", [{"severity": "3"}, {"private": True}])
def test_minor_or_private_incidents_get_no_prompt(team: RunningBot, fields: dict[str, object]) -> None:
    incident = declare(team, **fields)
    team.clock.advance(timedelta(minutes=30))
    team.fire_due()
    assert prompts(team, incident.channel_id) == []


def test_the_wait_is_the_team_s(slack: FakeSlack, database_url: str, clock: ManualClock) -> None:
    with running_bot(slack, database_url, clock, team_with_page(prompt_after_minutes=10)) as bot:
        incident = declare(bot)
        bot.clock.advance(timedelta(minutes=9))
        bot.fire_due()
        assert prompts(bot, incident.channel_id) == []
        bot.clock.advance(timedelta(minutes=1))
        bot.fire_due()
        assert "for 10 minutes" in prompts(bot, incident.channel_id)[0]


def test_without_a_status_page_there_is_no_prompt(running: RunningBot) -> None:
    incident = declare(running)
    running.clock.advance(timedelta(minutes=30))
    running.fire_due()
    assert prompts(running, incident.channel_id) == []
