"""The incident's pinned summary links the alerts declared from or attached to it, with their state."""

from __future__ import annotations

import json
from typing import Any

from incidentbot.alerts.slack_buttons import ATTACH_FORM, INCIDENT
from incidentbot.slack.ids import VALUE
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, alertmanager, am_alert, groups, post
from tests.e2e.helpers import declare, declare_state, wait_until
from tests.support import signing
from tests.support.harness import RunningBot


def _summary(running: RunningBot) -> str:
    incident = running.incident()
    if incident is None or incident.channel_id is None or incident.summary_ts is None:
        return ""
    message = running.slack.message(incident.channel_id, incident.summary_ts)
    return str(message["text"]) if message else ""


def _click(running: RunningBot, action: str, message: dict[str, Any]) -> dict[str, Any]:
    group = str(groups(running)[0].id)
    clicked = running.client.action(action, group, channel_id=ALERT_CHANNEL, message_ts=message["ts"])
    assert clicked.status == 200
    opened = wait_until(lambda: running.slack.ok_calls_to("views.open"))[-1].args["view"]
    return json.loads(opened) if isinstance(opened, str) else opened  # type: ignore[no-any-return]


def _declare_from_the_triage_message(running: RunningBot) -> None:
    message = wait_until(lambda: running.slack.messages(ALERT_CHANNEL))[0]
    form = _click(running, "alert_declare", message)
    state = declare_state(title="HighErrorRate", impact="5xx above 2% on checkout")
    answer = running.client.submit("declare_incident", state, private_metadata=form["private_metadata"])
    assert answer.status == 200


def test_the_summary_links_the_triage_message_of_the_alert_it_was_declared_from(running: RunningBot) -> None:
    post(running, ALERTMANAGER, alertmanager())
    _declare_from_the_triage_message(running)
    wait_until(lambda: "*Alerts:*" in _summary(running))
    triage = running.slack.messages(ALERT_CHANNEL)[0]
    permalink = running.slack.ok_calls_to("chat.getPermalink")[0]
    expected = f"/archives/{ALERT_CHANNEL}/p{triage['ts'].replace('.', '')}|HighErrorRate>"
    assert permalink.args["message_ts"] == triage["ts"]
    assert expected in _summary(running) and "· alertmanager · firing" in _summary(running)

    post(running, ALERTMANAGER, alertmanager(am_alert(status="resolved")))
    wait_until(lambda: "· alertmanager · resolved" in _summary(running))


def test_an_attached_alert_without_a_triage_link_links_its_source_and_escapes_its_name(
    running: RunningBot,
) -> None:
    running.slack.inject("chat.getPermalink", error="internal_error", times=None)
    incident = declare(running)
    labels = {"alertname": "Disk <!channel> full", "severity": "warning"}
    post(running, ALERTMANAGER, alertmanager(am_alert(labels=labels), group_key="{}:disk"))
    message = wait_until(lambda: running.slack.messages(ALERT_CHANNEL))[0]
    assert groups(running)[0].message_link is None, "Slack gave no permalink"
    form = _click(running, "alert_attach", message)
    chosen = {INCIDENT: {VALUE: signing.static_select(str(incident.id))}}
    answer = running.client.submit(ATTACH_FORM, chosen, private_metadata=form["private_metadata"])
    assert answer.status == 200
    summary = wait_until(lambda: (text := _summary(running)) and "*Alerts:*" in text and text)
    assert "<http://prometheus:9090/graph?g0.expr=rate|Disk &lt;!channel&gt; full> · alertmanager" in summary
