"""The communication checker on the forms whose text reaches the channel and the postmortem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import CheckerSection, TeamConfig
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import entries, note
from tests.e2e.wrapup_helpers import last_modal, posted, resolve_state
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

BLAMING_CAUSE = "Priya pushed an untested config to the gateway"


@pytest.fixture
def squads(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    team = TeamConfig(checker=CheckerSection(teams=("Falcon squad",)))
    with running_bot(slack, database_url, clock, team) as bot:
        yield bot


def _submit_resolve(running: RunningBot, incident: Any, metadata: str, **fields: Any) -> Any:
    return running.client.submit(
        "resolve_incident", resolve_state(**fields), user_id="U001", private_metadata=metadata
    )


def _first_metadata(incident: Any) -> str:
    return json.dumps({"incident_id": incident.id, "channel": incident.channel_id})


def _initial(view: dict[str, Any], block_id: str) -> Any:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    element = block["element"]
    return element.get("initial_value", element.get("initial_date_time"))


def test_a_blaming_root_cause_comes_back_for_review_and_posts_when_sent_unchanged(
    running: RunningBot,
) -> None:
    incident = declare(running)
    started = int(running.clock.now().timestamp()) - 600
    fields = {"root_cause": BLAMING_CAUSE, "started": started}
    response = _submit_resolve(running, incident, _first_metadata(incident), **fields)

    answer = response.json()
    assert answer["response_action"] == "update"
    review = answer["view"]
    assert review["submit"]["text"] == "Post anyway"
    shown = json.dumps(review["blocks"][0])
    assert "Priya pushed an untested config" in shown
    assert "Our release process let an untested config reach production" in shown
    assert _initial(review, "root_cause") == BLAMING_CAUSE
    assert _initial(review, "users_affected") == "1200"
    assert _initial(review, "started_at") == started
    assert running.incident(incident.number).status != "resolved"

    again = _submit_resolve(running, incident, review["private_metadata"], **fields)
    assert again.status == 200 and not again.body
    posted(running, incident.channel_id, "resolved at")
    wait_until(lambda: running.incident(incident.number).status == "resolved")


def test_a_changed_text_is_checked_again(running: RunningBot) -> None:
    incident = declare(running)
    review = _submit_resolve(running, incident, _first_metadata(incident), root_cause=BLAMING_CAUSE).json()[
        "view"
    ]
    edited = "Sam's change broke the login flow"
    second = _submit_resolve(running, incident, review["private_metadata"], root_cause=edited)
    assert second.json()["response_action"] == "update"
    assert "Sam's change broke" in json.dumps(second.json()["view"]["blocks"][0])


def test_a_clean_resolution_is_not_held_up(running: RunningBot) -> None:
    incident = declare(running)
    fields = {"root_cause": "The deploy pipeline let an untested config reach the gateway"}
    response = _submit_resolve(running, incident, _first_metadata(incident), **fields)
    assert response.status == 200 and not response.body
    posted(running, incident.channel_id, "resolved at")


SQUAD_CAUSE = "falcon squad forgot to renew the certificate"


def test_an_unknown_lowercase_group_is_not_taken_for_people(running: RunningBot) -> None:
    incident = declare(running)
    response = _submit_resolve(running, incident, _first_metadata(incident), root_cause=SQUAD_CAUSE)
    assert response.status == 200 and not response.body


def test_the_teams_of_the_checker_table_are_people_in_slack_too(squads: RunningBot) -> None:
    incident = declare(squads)
    answer = _submit_resolve(squads, incident, _first_metadata(incident), root_cause=SQUAD_CAUSE)
    assert answer.json()["response_action"] == "update"
    assert SQUAD_CAUSE in json.dumps(answer.json()["view"]["blocks"][0])


def test_the_teams_of_the_checker_table_are_checked_in_the_postmortem_forms(squads: RunningBot) -> None:
    incident = declare(squads)
    squads.client.command("wentwell", channel_id=incident.channel_id)
    view = last_modal(squads)
    state = {"text": {"value": signing.plain("Luckily falcon squad forgot to renew only one cert")}}
    answer = squads.client.submit(
        "went_well", state, user_id="U001", private_metadata=view["private_metadata"]
    )
    assert answer.json()["response_action"] == "update"
    assert "falcon squad forgot to renew" in json.dumps(answer.json()["view"]["blocks"][0])


def _action_state(text: str, metric: str) -> dict[str, Any]:
    return {
        "text": {"value": signing.plain(text)},
        "owner": {"value": signing.users_select("U002")},
        "due": {"value": signing.datepicker("2026-01-09")},
        "priority": {"value": signing.static_select("P3")},
        "success_metric": {"value": signing.plain(metric)},
    }


def test_a_blaming_action_item_comes_back_for_review_with_every_field_kept(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("action", channel_id=incident.channel_id)
    view = last_modal(running)
    state = _action_state("Make sure Lukas stops skipping code review", "No unreviewed merges in May")
    answer = running.client.submit("action_item", state, private_metadata=view["private_metadata"]).json()

    assert answer["response_action"] == "update"
    review = answer["view"]
    assert review["submit"]["text"] == "Post anyway"
    assert "Lukas stops skipping" in json.dumps(review["blocks"][0])
    assert _initial(review, "text") == "Make sure Lukas stops skipping code review"
    assert _initial(review, "success_metric") == "No unreviewed merges in May"
    elements = {b["block_id"]: b["element"] for b in review["blocks"] if "block_id" in b}
    assert elements["owner"]["initial_user"] == "U002"
    assert elements["due"]["initial_date"] == "2026-01-09"
    assert elements["priority"]["initial_option"]["value"] == "P3"

    again = running.client.submit("action_item", state, private_metadata=review["private_metadata"])
    assert again.status == 200 and not again.body
    posted(running, incident.channel_id, "Action item added")


def test_a_blaming_timeline_edit_comes_back_for_review_and_saves_when_sent_unchanged(
    running: RunningBot,
) -> None:
    incident = declare(running, scribe="U003")
    note(running, "Restarted the API", user_id="U002", channel_id=incident.channel_id)
    entry = next(e for e in entries(running, incident.id) if e.source == "note")
    running.client.action(
        "timeline_entry", selected_option=f"edit:{entry.id}", user_id="U001", channel_id=incident.channel_id
    )
    view = running.slack.wait_for("views.open")[0].args["view"]
    blaming = "Bob carelessly restarted the API on all nodes"
    earlier = int(running.clock.now().timestamp()) - 300
    state = {
        "entry_text": {"value": signing.plain(blaming)},
        "entry_time": {"value": signing.datetimepicker(earlier)},
        "entry_kind": {"value": signing.static_select("action")},
    }
    answer = running.client.submit(
        "timeline_edit", state, user_id="U001", private_metadata=view["private_metadata"]
    ).json()

    assert answer["response_action"] == "update"
    review = answer["view"]
    assert review["submit"]["text"] == "Post anyway"
    assert "carelessly" in json.dumps(review["blocks"][0])
    assert _initial(review, "entry_text") == blaming
    assert _initial(review, "entry_time") == earlier
    unchanged = next(e for e in entries(running, incident.id) if e.id == entry.id)
    assert unchanged.text == "Restarted the API"

    again = running.client.submit(
        "timeline_edit", state, user_id="U001", private_metadata=review["private_metadata"]
    )
    assert again.status == 200 and not again.body
    wait_until(lambda: next(e for e in entries(running, incident.id) if e.id == entry.id).text == blaming)


def test_the_people_of_the_incident_are_known_by_name(running: RunningBot) -> None:
    # alice declared the incident, so the timeline knows her; bob has not taken part.
    incident = declare(running)
    metadata = _first_metadata(incident)
    outsider = _submit_resolve(running, incident, metadata, root_cause="Bob deleted the orders index")
    assert outsider.status == 200 and not outsider.body
    member = declare(running, title="Search failing")
    cause = "Alice deleted the orders index"
    answer = _submit_resolve(running, member, _first_metadata(member), root_cause=cause)
    assert answer.json()["response_action"] == "update"
    assert cause in json.dumps(answer.json()["view"]["blocks"][0])
