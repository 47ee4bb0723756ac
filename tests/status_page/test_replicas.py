"""Several replicas on one database: each shows what any of them published, and never goes back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.incident.models import Status
from incidentbot.status_page.model import ComponentState, Publication
from incidentbot.status_page.publishing import publish_in
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.ports import NewCommsText
from tests.e2e.helpers import declare, wait_until
from tests.status_page.helpers import API, DASHBOARD, GOOD, team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

PATHS = (
    "index.html",
    "history.html",
    "history.atom",
    "history.rss",
    "api/v2/summary.json",
    "api/v2/incidents.json",
    "api/v2/components.json",
)


@pytest.fixture
def replicas(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> Iterator[tuple[RunningBot, RunningBot]]:
    with (
        running_bot(slack, database_url, clock, team_with_page()) as one,
        running_bot(slack, database_url, clock, team_with_page()) as two,
    ):
        yield one, two


def publish(running: RunningBot, incident: Any, stage: Status, body: str, state: ComponentState) -> str:
    """Publish through the store, as another replica does: nothing is said to the bots serving."""
    with running.services.store.transaction() as tx:
        text = tx.add_comms_text(
            NewCommsText(incident.id, CommsAudience.CUSTOMER, stage, body, "U001", running.clock.now())
        )
        publication = Publication(name=f"Checkout {incident.id}", components={API: state, DASHBOARD: state})
        return publish_in(sql_of(tx), incident, text, publication, None).id


def correct(running: RunningBot, update_id: str, body: str) -> None:
    with running.services.store.transaction() as tx:
        assert sql_of(tx).correct(update_id, body, "U002", running.clock.now()) is not None


def summary(running: RunningBot) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(running.client.get("/status/api/v2/summary.json").body)
    return answer


def bodies(running: RunningBot) -> list[list[str]]:
    """Each active incident's update texts, newest first, as summary.json shows them."""
    return [[u["body"] for u in i["incident_updates"]] for i in summary(running)["incidents"]]


def site(running: RunningBot) -> dict[str, bytes]:
    shown = {path: running.client.get(f"/status/{path}").body for path in PATHS}
    for incident in json.loads(shown["api/v2/incidents.json"])["incidents"]:
        path = f"incidents/{incident['id']}.html"
        shown[path] = running.client.get(f"/status/{path}").body
    return shown


def test_publication_correction_and_resolution_show_on_both_replicas(
    replicas: tuple[RunningBot, RunningBot],
) -> None:
    one, two = replicas
    incident = declare(one)
    assert bodies(one) == bodies(two) == []
    first = publish(one, incident, Status.INVESTIGATING, GOOD, ComponentState.MAJOR_OUTAGE)
    one.clock.advance(timedelta(seconds=1))
    assert bodies(one) == bodies(two) == [[GOOD]]

    correct(two, first, GOOD.replace("some customers", "customers in Europe"))
    one.clock.advance(timedelta(seconds=1))
    corrected = [[GOOD.replace("some customers", "customers in Europe")]]
    assert bodies(one) == bodies(two) == corrected

    publish(two, incident, Status.RESOLVED, "Checkout works again for everyone.", ComponentState.OPERATIONAL)
    one.clock.advance(timedelta(seconds=1))
    assert bodies(one) == bodies(two) == []
    assert summary(one)["status"]["indicator"] == summary(two)["status"]["indicator"] == "none"


def test_a_replica_reloading_what_changed_shows_what_a_fresh_one_reads_whole(
    replicas: tuple[RunningBot, RunningBot], slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    one, two = replicas
    declare(one)
    declare(one)
    first, second = one.incident(1), wait_until(lambda: one.incident(2))
    site(two)  # two reads everything now, and later only what changed
    kept = publish(one, first, Status.INVESTIGATING, GOOD, ComponentState.PARTIAL_OUTAGE)
    clock.advance(timedelta(seconds=1))
    site(two)
    publish(one, second, Status.IDENTIFIED, GOOD, ComponentState.MAJOR_OUTAGE)
    correct(one, kept, "Checkout fails for some customers; we are on it.")
    publish(one, first, Status.RESOLVED, "Checkout works again.", ComponentState.OPERATIONAL)
    clock.advance(timedelta(seconds=1))
    with running_bot(slack, database_url, clock, team_with_page()) as fresh:
        assert site(two) == site(fresh)
