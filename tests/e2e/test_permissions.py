"""Who may resolve, reopen and correct the timeline, through the real HTTP app.

Alice (U001) declares and commands; Bob (U002) is the communications lead; Carol (U003) is the
scribe; Dave (U004) holds no role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.incident.permissions import Permissions
from incidentbot.incident.policy import Policy
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import entries, note
from tests.e2e.update_helpers import modal_errors, submit_update
from tests.e2e.wrapup_helpers import ephemeral_to, last_modal, resolve, submit_resolve, told
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

REFUSAL = "Only the incident commander, <@U001>, can resolve or reopen this incident"


@pytest.fixture
def relaxed(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    rules = Permissions(commander_only_resolves=False, commander_or_scribe_edits_timeline=False)
    with running_bot(slack, database_url, clock, TeamConfig(policy=Policy(permissions=rules))) as bot:
        yield bot


def _declared(running: RunningBot) -> Any:
    return declare(running, user="U001", comms="U002", scribe="U003")


def _resolution(running: RunningBot, incident_id: int) -> Any:
    with running.services.store.transaction() as tx:
        return tx.resolution(incident_id)


def test_a_non_commander_is_refused_before_the_resolve_form_opens(running: RunningBot) -> None:
    incident = _declared(running)
    answer = running.client.command("resolve", user_id="U002", channel_id=incident.channel_id).body.decode()
    assert REFUSAL in answer and "/incident role ic @you" in answer
    running.client.action("open_resolve", str(incident.id), user_id="U004", channel_id=incident.channel_id)
    told(running, "U004", REFUSAL)
    assert running.slack.count("views.open") == 0
    assert running.incident().status == "investigating"


def test_a_refused_resolve_form_stays_open_with_what_was_typed(running: RunningBot) -> None:
    incident = _declared(running)
    response = submit_resolve(running, incident, user="U002", fix="Rolled back the gateway")
    body = response.json()
    assert body["response_action"] == "errors"
    assert "Only the incident commander, alice, can resolve this incident" in body["errors"]["fix"]
    assert "what you typed stays here" in body["errors"]["fix"]
    assert running.incident().status == "investigating"
    assert _resolution(running, incident.id) is None
    assert not [c for c in running.slack.calls_to("chat.postMessage") if "resolved at" in c.args["text"]]

    resolved = resolve(running, incident, user="U001")
    assert resolved.status == "resolved" and _resolution(running, incident.id).resolved_by == "U001"


def test_only_the_commander_resolves_or_reopens_with_the_status_command(running: RunningBot) -> None:
    incident = _declared(running)
    running.client.command("status resolved", user_id="U003", channel_id=incident.channel_id)
    ephemeral_to(running, "U003", REFUSAL)
    assert running.incident().status == "investigating"

    running.client.command("status identified", user_id="U003", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().status == "identified")

    running.client.command("status resolved", user_id="U001", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().status == "resolved")
    running.client.command("status investigating", user_id="U002", channel_id=incident.channel_id)
    ephemeral_to(running, "U002", REFUSAL)
    assert running.incident().status == "resolved"


def test_an_update_that_resolves_is_refused_in_the_form(running: RunningBot) -> None:
    incident = _declared(running)
    response = submit_update(running, incident, user="U002", status="resolved", preset=None)
    assert "Only the incident commander, alice, can resolve the incident" in modal_errors(response)["status"]
    assert running.incident().status == "investigating"
    with running.services.store.transaction() as tx:
        assert tx.latest_update(incident.id) is None


def test_with_the_rule_off_anyone_resolves_and_reopens(relaxed: RunningBot) -> None:
    running = relaxed
    incident = _declared(running)
    running.client.command("resolve", user_id="U004", channel_id=incident.channel_id)
    assert last_modal(running)["callback_id"] == "resolve_incident"
    resolved = resolve(running, incident, user="U004")
    assert resolved.status == "resolved" and _resolution(running, incident.id).resolved_by == "U004"
    running.client.command("status investigating", user_id="U002", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().status == "investigating")


def test_with_the_timeline_rule_off_anyone_corrects_entries(relaxed: RunningBot) -> None:
    running = relaxed
    incident = _declared(running)
    note(running, "Wrong channel, ignore", user_id="U002", channel_id=incident.channel_id)
    entry = next(e for e in entries(running, incident.id) if e.source == "note")
    running.slack.clear_calls()
    running.client.command("timeline", user_id="U004", channel_id=incident.channel_id)
    shown = running.slack.wait_for("chat.postEphemeral")[0].args
    assert [b for b in shown["blocks"] if b.get("accessory")], "everyone gets the edit menu"
    running.client.action(
        "timeline_entry", selected_option=f"delete:{entry.id}", user_id="U004", channel_id=incident.channel_id
    )
    view = last_modal(running)
    assert view["callback_id"] == "timeline_delete"
    running.client.submit("timeline_delete", {}, user_id="U004", private_metadata=view["private_metadata"])
    wait_until(lambda: entry.id not in [e.id for e in entries(running, incident.id)])
    assert entries(running, incident.id)[-1].actor_id == "U004"
