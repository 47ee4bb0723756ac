"""A published text can be corrected (the page notes it), never silently removed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.status_page.sql_store import sql_of
from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import last_modal, told
from tests.status_page.helpers import (
    GOOD,
    JARGON_FREE_REVIEW,
    as_slack_takes,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

FIXED = GOOD.replace("failed checkouts", "failed checkouts and logins")


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def submit_correction(running: RunningBot, view: dict[str, Any], text: str) -> Any:
    state = {"text": {"value": signing.plain(text)}}
    return running.client.submit(
        "status_page_correction", state, user_id="U002", private_metadata=view["private_metadata"]
    )


def published_one(running: RunningBot) -> Any:
    incident = declare(running)
    assert not submit_customer(running, open_customer_form(running, incident.channel_id)).body
    return incident, published(running, incident.id)


def test_a_correction_replaces_the_text_and_the_page_says_when(team: RunningBot) -> None:
    incident, public = published_one(team)
    team.clock.advance(timedelta(minutes=7))
    team.client.command("statuspage correct", channel_id=incident.channel_id, user_id="U002")
    view = as_slack_takes(last_modal(team, 2))
    assert view["blocks"][-1]["element"]["initial_value"] == GOOD
    assert not submit_correction(team, view, FIXED).body
    told(team, "U002", "Corrected on the status page")
    page = team.client.get(f"/status/incidents/{public.id}.html").body.decode()
    assert "failed checkouts and logins" in page
    assert '(updated at <time datetime="2026-01-01T12:07:00Z">1 Jan 2026, 12:07 UTC</time>)' in page
    [update] = json.loads(team.client.get("/status/api/v2/incidents.json").body)["incidents"][0][
        "incident_updates"
    ]
    assert (update["body"], update["created_at"], update["updated_at"]) == (
        FIXED,
        "2026-01-01T12:00:00.000Z",
        "2026-01-01T12:07:00.000Z",
    )
    with team.services.store.transaction() as tx:
        assert sql_of(tx).previous_bodies(public.latest.id) == [GOOD]
        assert any(e.text.startswith("Status page text corrected:") for e in tx.events(incident.id))


def test_a_text_cannot_be_emptied(team: RunningBot) -> None:
    incident, _public = published_one(team)
    team.client.command("statuspage correct", channel_id=incident.channel_id, user_id="U002")
    body = submit_correction(team, last_modal(team, 2), "   ").json()
    assert body["response_action"] == "errors" and "never emptied" in body["errors"]["text"]
    assert published(team, incident.id).latest.body == GOOD


def test_the_checker_reads_a_correction_first(team: RunningBot) -> None:
    incident, _public = published_one(team)
    team.client.command("statuspage correct", channel_id=incident.channel_id, user_id="U002")
    review = submit_correction(team, last_modal(team, 2), JARGON_FREE_REVIEW).json()
    assert review["response_action"] == "update" and "connection pool" in json.dumps(
        review["view"]["blocks"][0]
    )
    assert published(team, incident.id).latest.body == GOOD, "nothing changes before the author decides"
    assert not submit_correction(team, as_slack_takes(review["view"]), JARGON_FREE_REVIEW).body
    wait_until(lambda: published(team, incident.id).latest.body == JARGON_FREE_REVIEW)


def test_nothing_published_yet_is_answered_with_what_to_do(team: RunningBot) -> None:
    incident = declare(team)
    answer = team.client.command("statuspage correct", channel_id=incident.channel_id, user_id="U002")
    assert "Nothing was published on the status page for this incident yet" in answer.body.decode()
    usage = team.client.command("statuspage", channel_id=incident.channel_id, user_id="U002").body.decode()
    assert "/incident statuspage correct" in usage
