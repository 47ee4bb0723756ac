"""A customer text written during a drill is kept and posted in the drill channel, never published."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from incidentbot.clock import ManualClock
from tests.drills.helpers import start_drill
from tests.e2e.helpers import wait_until
from tests.e2e.test_comms_texts import kept
from tests.status_page.helpers import API, open_customer_form, submit_customer, team_with_page
from tests.status_page.test_publishing import rows
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def test_a_drills_customer_text_never_reaches_the_status_page(team: RunningBot) -> None:
    incident = start_drill(team)
    view = open_customer_form(team, incident.channel_id)
    # Even a submission carrying the status page's fields, as a real incident's form would.
    metadata = view["private_metadata"].replace('{"', '{"status_page_next": 1, "', 1)
    response = submit_customer(team, {**view, "private_metadata": metadata}, states={API: "major_outage"})
    assert response.status == 200 and not response.body, response.body
    wait_until(lambda: kept(team, incident.id))
    team.settle()
    assert rows(team) == (0, 0)
