"""Two public incidents affecting one component at once, and one of them resolved."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.wrapup_helpers import resolve
from tests.status_page.helpers import (
    API,
    DASHBOARD,
    get,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

RESOLVED = (
    "The issue affecting checkout has been resolved as of 12:40 UTC. We know this stopped many of you "
    "from completing purchases, and we're sorry. We will publish a full report this week."
)
WORSE = {API: "major_outage"}
MILDER = {API: "degraded_performance", DASHBOARD: "partial_outage"}


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def states(running: RunningBot, document: str) -> dict[str, str]:
    found = json.loads(get(running, f"/status/api/v2/{document}"))["components"]
    return {component["name"]: component["status"] for component in found}


def shown_on_the_page(running: RunningBot) -> dict[str, str]:
    page = get(running, "/status/")
    row = r'<span class="name">([^<]+)</span>\s*<span class="state">.*?</span>([^<]+)</span>'
    return dict(re.findall(row, page))


def bar(running: RunningBot, component: str, day: str) -> str:
    """The words of `component`'s bar for `day` on the page (each component's bars follow its name)."""
    page = get(running, "/status/")
    section = page.split(f'<span class="name">{component}</span>', 1)[1].split("</ol>", 1)[0]
    found = re.search(rf'title="{day}: ([^"]+)"', section)
    assert found, (component, day)
    return found.group(1)


def publish(running: RunningBot, incident: Any, name: str, chosen: dict[str, str], count: int = 1) -> None:
    view = open_customer_form(running, incident.channel_id)
    assert not submit_customer(running, view, name=name, states=chosen).body
    published(running, incident.id, count)


def resolve_and_publish(running: RunningBot, incident: Any) -> None:
    resolve(running, incident)
    view = open_customer_form(running, incident.channel_id)  # the components preselected operational
    assert not submit_customer(running, view, text=RESOLVED).body
    published(running, incident.id, 2)


@pytest.mark.parametrize("resolved", ["worse", "milder"])
def test_a_component_keeps_the_state_of_the_incident_still_open(team: RunningBot, resolved: str) -> None:
    first = declare(team, title="Checkout failing")
    publish(team, first, "Checkout unavailable", WORSE)
    team.clock.advance(timedelta(minutes=5))
    assert submit_declare(team, title="Dashboard slow").status == 200
    second = wait_until(lambda: (i := team.incident(2)) and i.setup_state == "ready" and i)
    publish(team, second, "Dashboard slow", MILDER)
    both = {API: "major_outage", DASHBOARD: "partial_outage"}  # the worst of the two
    assert states(team, "components.json") == states(team, "summary.json") == both

    team.clock.advance(timedelta(minutes=10))
    gone, left, open_name = (first, MILDER, "Dashboard slow") if resolved == "worse" else (second, WORSE, "")
    resolve_and_publish(team, gone)
    expected = {API: left[API], DASHBOARD: left.get(DASHBOARD, "operational")}
    assert states(team, "components.json") == expected
    assert states(team, "summary.json") == expected
    open_incidents = json.loads(get(team, "/status/api/v2/summary.json"))["incidents"]
    assert [i["name"] for i in open_incidents] == [open_name or "Checkout unavailable"]
    words = {"major_outage": "Major outage", "degraded_performance": "Degraded performance"}
    words |= {"partial_outage": "Partial outage", "operational": "Operational"}
    assert shown_on_the_page(team) == {name: words[state] for name, state in expected.items()}

    team.clock.advance(timedelta(days=2))  # the other incident is still open two days later
    assert states(team, "components.json") == expected
    assert bar(team, API, "2026-01-01") == "Major outage", "the worst of that day"
    assert bar(team, DASHBOARD, "2026-01-01") == "Partial outage"
    assert bar(team, API, "2026-01-03") == words[expected[API]], "the incident still open"
    assert bar(team, DASHBOARD, "2026-01-03") == words[expected[DASHBOARD]]
