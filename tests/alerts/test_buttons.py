"""Dismiss with a reason, attach to an open incident: the message shows the decision, the timeline follows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from incidentbot.alerts.slack_buttons import ATTACH_FORM, DISMISS_FORM, INCIDENT, REASON
from incidentbot.incident.models import Status
from incidentbot.slack.ids import VALUE
from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    alertmanager,
    am_alert,
    deliver_held,
    groups,
    post,
)
from tests.e2e.helpers import declare, declare_state, pending_requests, wait_until
from tests.e2e.timeline_helpers import entries
from tests.support import signing
from tests.support.harness import RunningBot


def _triage_message(running: RunningBot) -> dict[str, Any]:
    post(running, ALERTMANAGER, alertmanager())
    message = wait_until(lambda: running.slack.messages(ALERT_CHANNEL))[0]
    running.settle()  # its delivery is recorded as done before anyone clicks its buttons
    return message


def _sections(running: RunningBot) -> str:
    message = running.slack.messages(ALERT_CHANNEL)[0]
    return str([block for block in message["blocks"] if block["type"] != "actions"])


def _buttons(running: RunningBot) -> list[Any]:
    message = running.slack.messages(ALERT_CHANNEL)[0]
    return [block for block in message["blocks"] if block["type"] == "actions"]


def _click(running: RunningBot, action: str, message: dict[str, Any]) -> dict[str, Any]:
    group = str(groups(running)[0].id)
    assert (
        running.client.action(action, group, channel_id=ALERT_CHANNEL, message_ts=message["ts"]).status == 200
    )
    opened = wait_until(lambda: running.slack.ok_calls_to("views.open"))
    return (
        json.loads(opened[-1].args["view"])
        if isinstance(opened[-1].args["view"], str)
        else opened[-1].args["view"]
    )


def test_dismiss_asks_for_a_reason_then_shows_who_and_why(running: RunningBot) -> None:
    message = _triage_message(running)
    form = _click(running, "alert_dismiss", message)
    assert form["callback_id"] == DISMISS_FORM
    empty = running.client.submit(
        DISMISS_FORM, {REASON: {VALUE: signing.plain("  ")}}, private_metadata=form["private_metadata"]
    )
    assert empty.status == 200 and json.loads(empty.body)["response_action"] == "errors"
    assert REASON in json.loads(empty.body)["errors"]
    done = running.client.submit(
        DISMISS_FORM,
        {REASON: {VALUE: signing.plain("known flap <!channel>")}},
        private_metadata=form["private_metadata"],
    )
    assert done.status == 200 and not done.body
    wait_until(lambda: "Dismissed by" in _sections(running))
    assert "known flap &lt;!channel&gt;" in _sections(running) and "<@U001>" in _sections(running)
    assert _buttons(running) == []
    assert groups(running)[0].dismissed_reason == "known flap <!channel>"


def test_attach_offers_open_incidents_and_later_firings_go_on_its_timeline(running: RunningBot) -> None:
    incident = declare(running, title="Checkout failing")
    message = _triage_message(running)
    form = _click(running, "alert_attach", message)
    options = form["blocks"][0]["element"]["options"]
    assert [option["text"]["text"] for option in options] == ["#1 Checkout failing"]
    chosen = signing.static_select(str(incident.id))
    assert (
        running.client.submit(
            ATTACH_FORM, {INCIDENT: {VALUE: chosen}}, private_metadata=form["private_metadata"]
        ).status
        == 200
    )
    wait_until(lambda: "Attached to incident #1" in _sections(running))
    assert _buttons(running) == []
    for batch in (
        alertmanager(am_alert(), am_alert("f2")),
        alertmanager(am_alert(), am_alert("f2")),  # a repeat: nothing new
        alertmanager(am_alert(status="resolved"), am_alert("f2")),
    ):
        running.clock.advance(timedelta(seconds=30))
        post(running, ALERTMANAGER, batch)
        wait_until(lambda: not pending_requests(running))  # a sender's notifications come minutes apart
    deliver_held(running)

    def alert_lines() -> list[str]:
        return [entry.text for entry in entries(running, incident.id) if entry.source == "alert"]

    wait_until(lambda: len(alert_lines()) == 3)
    assert alert_lines() == [
        "alert attached: HighErrorRate (5xx above 2% on checkout)",
        "firing: HighErrorRate (5xx above 2% on checkout)",
        "resolved: HighErrorRate (5xx above 2% on checkout)",
    ]


def test_alerts_after_the_incident_is_resolved_start_a_new_triage_message(running: RunningBot) -> None:
    incident = declare(running)
    message = _triage_message(running)
    form = _click(running, "alert_attach", message)
    running.client.submit(
        ATTACH_FORM,
        {INCIDENT: {VALUE: signing.static_select(str(incident.id))}},
        private_metadata=form["private_metadata"],
    )
    wait_until(lambda: groups(running)[0].incident_id == incident.id)
    with running.services.store.transaction() as tx:
        tx.save_incident(tx.get_incident(incident.id).model_copy(update={"status": Status.RESOLVED}))
    post(running, ALERTMANAGER, alertmanager())
    wait_until(lambda: len(running.slack.messages(ALERT_CHANNEL)) == 2)
    assert [group.incident_id for group in groups(running)] == [incident.id, None]
    assert running.incident().status == "resolved"


def test_declare_opens_the_declare_form_prefilled_and_links_the_alert_to_the_incident(
    running: RunningBot,
) -> None:
    message = _triage_message(running)
    form = _click(running, "alert_declare", message)
    inputs = {block["block_id"]: block["element"] for block in form["blocks"]}
    assert inputs["title"]["initial_value"] == "HighErrorRate"
    assert inputs["severity"]["initial_option"]["value"] == "1", "severity=critical reads as SEV-1"
    assert inputs["impact"]["initial_value"] == "5xx above 2% on checkout"
    state = declare_state(title="HighErrorRate", severity="1", impact="5xx above 2% on checkout")
    answer = running.client.submit("declare_incident", state, private_metadata=form["private_metadata"])
    assert answer.status == 200
    wait_until(lambda: groups(running)[0].incident_id is not None)
    incident = running.incident()
    assert groups(running)[0].incident_id == incident.id
    wait_until(lambda: "Attached to incident #1" in _sections(running))
    assert _buttons(running) == []
    assert [entry.text for entry in entries(running, incident.id) if entry.source == "alert"] == [
        "alert attached: HighErrorRate (5xx above 2% on checkout)"
    ]
