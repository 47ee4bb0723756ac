"""The customer-text form offers the status page's components, each with its state."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from incidentbot.clock import ManualClock
from incidentbot.status_page.model import MAX_COMPONENTS
from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import last_modal
from tests.status_page.helpers import (
    API,
    DASHBOARD,
    JARGON_FREE_REVIEW,
    as_slack_takes,
    open_customer_form,
    published,
    submit_customer,
    team_with_page,
)
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

STATES = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def _selects(view: dict[str, object]) -> dict[str, dict[str, object]]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {
        b["label"]["text"]: b["element"]
        for b in blocks
        if b["type"] == "input" and b["element"]["type"] == "static_select"
    }


def test_the_form_has_a_select_per_component_preselected_operational(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    selects = _selects(view)
    assert list(selects) == [API, DASHBOARD]
    for element in selects.values():
        assert [o["value"] for o in element["options"]] == STATES  # type: ignore[index]
        assert [o["text"]["text"] for o in element["options"]][3] == "Major outage"  # type: ignore[index]
        assert element["initial_option"]["value"] == "operational"  # type: ignore[index]
    name = next(b for b in view["blocks"] if b.get("block_id") == "status_page_name")
    assert name["element"]["initial_value"] == "Users cannot complete checkout"


def test_the_next_form_preselects_what_was_published(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    assert not submit_customer(
        team, view, states={API: "major_outage", DASHBOARD: "degraded_performance"}
    ).body
    published(team, incident.id)
    again = open_customer_form(team, incident.channel_id)
    chosen = {name: e["initial_option"]["value"] for name, e in _selects(again).items()}  # type: ignore[index]
    assert chosen == {API: "major_outage", DASHBOARD: "degraded_performance"}
    name = next(b for b in again["blocks"] if b.get("block_id") == "status_page_name")
    assert name["element"]["initial_value"] == "Checkout unavailable"


def test_a_state_slack_never_offered_is_refused_inline(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    body = submit_customer(team, view, states={API: "on_fire"}).json()
    assert body["response_action"] == "errors"
    [(block, message)] = body["errors"].items()
    assert block.startswith("status_page_component:") and "Pick one of the listed states" in message


@pytest.mark.parametrize(("name", "words"), [("", "Give the incident a title"), ("x" * 151, "under 150")])
def test_an_empty_or_long_public_title_is_refused_inline(team: RunningBot, name: str, words: str) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    body = submit_customer(team, view, name=name).json()
    assert body["response_action"] == "errors" and words in body["errors"]["status_page_name"]


def test_a_review_keeps_the_chosen_states(team: RunningBot) -> None:
    incident = declare(team)
    view = open_customer_form(team, incident.channel_id)
    review = submit_customer(team, view, text=JARGON_FREE_REVIEW, states={API: "partial_outage"}).json()
    assert review["response_action"] == "update"
    shown = as_slack_takes(review["view"])
    assert _selects(shown)[API]["initial_option"]["value"] == "partial_outage"  # type: ignore[index]
    assert not submit_customer(team, shown, text=JARGON_FREE_REVIEW, states={API: "partial_outage"}).body
    assert published(team, incident.id).latest.components[API] == "partial_outage"


def test_the_most_components_fit_one_modal_even_as_a_review(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    names = [f"Service {n:02d} with a long descriptive name" for n in range(MAX_COMPONENTS)]
    with running_bot(slack, database_url, clock, team_with_page(*names)) as bot:
        incident = declare(bot)
        view = open_customer_form(bot, incident.channel_id)
        assert len(_selects(view)) == MAX_COMPONENTS
        review = submit_customer(bot, view, text=JARGON_FREE_REVIEW).json()
        assert review["response_action"] == "update"
        as_slack_takes(review["view"])


def test_a_private_incident_gets_no_status_page_fields(team: RunningBot) -> None:
    incident = declare(team, private=True)
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U001")
    view = last_modal(team)
    assert _selects(view) == {}
    assert "status_page" not in json.dumps(view["blocks"])


def test_stakeholder_form_gets_no_status_page_fields(team: RunningBot) -> None:
    incident = declare(team)
    team.client.command("comms stakeholder", channel_id=incident.channel_id, user_id="U002")
    view = wait_until(lambda: last_modal(team))
    assert _selects(view) == {}
