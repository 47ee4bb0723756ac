"""Readers share one rendering; what another process publishes shows within a second."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.incident.models import Status
from incidentbot.status_page.model import ComponentState, Publication
from incidentbot.status_page.publishing import publish_in
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.ports import NewCommsText
from tests.e2e.helpers import declare
from tests.status_page.helpers import API, DASHBOARD, GOOD, team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def incidents_shown(running: RunningBot) -> list[str]:
    summary = json.loads(running.client.get("/status/api/v2/summary.json").body)
    return [i["name"] for i in summary["incidents"]]


def test_a_publication_by_another_process_shows_within_a_second(team: RunningBot) -> None:
    incident = declare(team)
    assert incidents_shown(team) == []
    # Another replica publishes: same database, nothing said to this process.
    with team.services.store.transaction() as tx:
        text = tx.add_comms_text(
            NewCommsText(
                incident.id, CommsAudience.CUSTOMER, Status.INVESTIGATING, GOOD, "U001", team.clock.now()
            )
        )
        states = {API: ComponentState.MAJOR_OUTAGE, DASHBOARD: ComponentState.OPERATIONAL}
        publish_in(
            sql_of(tx), incident, text, Publication(name="From the other replica", components=states), None
        )
    assert incidents_shown(team) == [], "readers within the second share the rendering"
    team.clock.advance(timedelta(seconds=1))
    assert incidents_shown(team) == ["From the other replica"]
