"""A posted customer text is published; nothing internal and no private incident ever is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from incidentbot.clock import ManualClock
from incidentbot.status_page.sql_store import sql_of
from incidentbot.status_page.sql_tables import status_page_incidents, status_page_updates
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_comms_texts import kept
from tests.e2e.update_helpers import submit_update
from tests.e2e.wrapup_helpers import STAKEHOLDERS, last_modal, posted, resolve
from tests.status_page.helpers import (
    API,
    DASHBOARD,
    GOOD,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

RESOLVED = (
    "The issue affecting checkout has been resolved as of 12:40 UTC. We know this stopped many of you "
    "from completing purchases, and we're sorry. We will publish a full report this week."
)


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def rows(running: RunningBot) -> tuple[int, int]:
    with running.bot.engine.connect() as db:
        counted = [
            db.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (status_page_incidents, status_page_updates)
        ]
    return counted[0], counted[1]


def test_a_posted_customer_text_is_published_with_stage_states_and_next_update(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    assert not submit_customer(team, view, states={API: "major_outage"}).body
    public = published(team, incident.id)
    [update] = public.updates
    assert (public.name, public.stage, public.impact) == ("Checkout unavailable", "investigating", "critical")
    assert update.body == GOOD and update.components == {API: "major_outage", DASHBOARD: "operational"}
    # The time the draft promised (the first update's commitment, 15 minutes after declaring).
    assert update.next_update_at == incident.declared_at + timedelta(minutes=15)
    [text] = kept(team, incident.id)
    assert update.published_at == text.created_at


def test_updates_follow_the_status_and_a_resolution_promises_nothing(team: RunningBot) -> None:
    incident = declare(team)
    assert not submit_customer(
        team, open_customer_form(team, incident.channel_id), states={API: "partial_outage"}
    ).body
    published(team, incident.id)
    team.clock.advance(timedelta(minutes=10))
    team.client.command("status identified", channel_id=incident.channel_id, user_id="U001")
    wait_until(lambda: team.incident().status == "identified")
    assert not submit_customer(
        team, open_customer_form(team, incident.channel_id), states={API: "degraded_performance"}
    ).body
    public = published(team, incident.id, 2)
    assert [u.stage for u in public.updates] == ["identified", "investigating"]
    assert public.impact == "major", "the impact is the worst the incident had"
    resolve(team, incident)
    view = open_customer_form(team, incident.channel_id)
    assert not submit_customer(team, view, text=RESOLVED).body
    public = published(team, incident.id, 3)
    assert public.stage == "resolved" and public.resolved_at is not None
    assert public.latest.next_update_at is None and set(public.latest.components.values()) == {"operational"}


def test_a_private_incident_is_never_published(team: RunningBot) -> None:
    incident = declare(team, private=True)
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U001")
    view = last_modal(team)
    # Even a crafted submission carrying the status page's fields publishes nothing.
    state = {"text": {"value": signing.plain(GOOD)}, "status_page_name": {"value": signing.plain("Leak")}}
    metadata = view["private_metadata"].replace('{"', '{"status_page_next": 1, "', 1)
    assert not team.client.submit("comms_text", state, user_id="U001", private_metadata=metadata).body
    wait_until(lambda: kept(team, incident.id))
    assert rows(team) == (0, 0)


def test_stakeholder_texts_and_internal_updates_are_never_published(team: RunningBot) -> None:
    incident = declare(team, comms="U002")
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    view = last_modal(team)
    state = {
        "text": {"value": signing.plain("Support: tell customers checkout is down; next update 12:30 UTC.")}
    }
    metadata = view["private_metadata"].replace('{"', '{"status_page_next": 1, "', 1)
    team.client.submit("comms_text", state, user_id="U002", private_metadata=metadata)
    posted(team, STAKEHOLDERS, "Stakeholder")
    internal = "Gateway pool exhausted on pg-03, carol rolling back"
    wording = "Checkout is failing for some customers."
    response = submit_update(team, incident, theory=internal, customer=wording)
    assert response.status == 200 and not response.body, response.body

    def updates() -> list[object]:
        with team.services.store.transaction() as tx:
            return list(tx.updates(incident.id))

    wait_until(updates)
    assert rows(team) == (0, 0)


def test_an_incident_shows_only_once_a_customer_text_was_published(team: RunningBot) -> None:
    incident = declare(team)
    with team.services.store.transaction() as tx:
        assert sql_of(tx).public_incidents() == []
    assert not submit_customer(team, open_customer_form(team, incident.channel_id)).body
    published(team, incident.id)
    with team.services.store.transaction() as tx:
        assert [i.incident_id for i in sql_of(tx).public_incidents()] == [incident.id]
