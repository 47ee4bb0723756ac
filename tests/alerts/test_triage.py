"""A group of alerts in, one triage message out; repeats edit it, resolutions mark it resolved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    GRAFANA,
    alertmanager,
    am_alert,
    deliver_held,
    groups,
    post,
    triage_posts,
)
from tests.e2e.helpers import wait_until
from tests.support.harness import RunningBot


def _messages(running: RunningBot) -> list[dict[str, Any]]:
    return running.slack.messages(ALERT_CHANNEL)


def _text(message: dict[str, Any]) -> str:
    return "\n".join(str(block["text"]["text"]) for block in message["blocks"] if block["type"] == "section")


def _buttons(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def _shows(running: RunningBot, words: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        found = [message for message in _messages(running) if words in _text(message)]
        return found[0] if found else None

    return wait_until(probe)


def test_a_new_group_posts_one_triage_message_with_what_fires_and_the_buttons(running: RunningBot) -> None:
    answer = post(running, ALERTMANAGER, alertmanager())
    assert answer.status == 202, answer.body
    message = _shows(running, "HighErrorRate")
    text = _text(message)
    assert "5xx above 2% on checkout" in text
    assert "`severity=critical`" in text and "`service=checkout`" in text
    assert "<http://prometheus:9090/graph?g0.expr=rate|Source>" in text
    assert "*1* firing" in text and "received 1 time," in text
    assert _buttons(message) == ["alert_declare", "alert_attach", "alert_dismiss"]


def test_repeats_edit_the_message_instead_of_posting_again(running: RunningBot) -> None:
    post(running, ALERTMANAGER, alertmanager())
    _shows(running, "received 1 time,")
    running.settle()  # the clock's jump would end the lease of a delivery still under way
    running.clock.advance(timedelta(minutes=5))
    assert post(running, ALERTMANAGER, alertmanager()).status == 202
    assert post(running, ALERTMANAGER, alertmanager(am_alert(), am_alert("f2"))).status == 202
    deliver_held(running)
    message = _shows(running, "received 4 times")
    assert "*2* firing" in _text(message)
    assert len(triage_posts(running)) == 1
    assert len(_messages(running)) == 1


def test_a_resolved_group_marks_its_message_resolved_and_keeps_one_message(running: RunningBot) -> None:
    post(running, ALERTMANAGER, alertmanager(am_alert(), am_alert("f2")))
    _shows(running, "*2* firing")
    post(running, ALERTMANAGER, alertmanager(am_alert(status="resolved"), am_alert("f2", status="resolved")))
    deliver_held(running)
    message = _shows(running, "resolved")
    assert "*0* firing" in _text(message)
    assert message["text"] == "Alert resolved: HighErrorRate"
    assert len(_messages(running)) == 1
    assert groups(running)[0].state == "resolved"


def test_another_group_gets_a_message_of_its_own(running: RunningBot) -> None:
    post(running, ALERTMANAGER, alertmanager())
    post(
        running,
        ALERTMANAGER,
        alertmanager(am_alert("d1", labels={"alertname": "DiskFull"}), group_key="{}:disk"),
    )
    _shows(running, "DiskFull")
    _shows(running, "HighErrorRate")
    assert len(triage_posts(running)) == 2


def test_labels_and_annotations_are_escaped_so_they_cannot_ping(running: RunningBot) -> None:
    hostile = {"alertname": "<!channel> *bold*", "team": "<@U001> & <#C1|x>"}
    post(running, ALERTMANAGER, alertmanager(am_alert(labels=hostile, summary="<!here> look")))
    message = wait_until(lambda: _messages(running))[0]
    text = _text(message) + message["text"]
    assert "<!channel>" not in text and "<!here>" not in text and "<@U001>" not in text
    assert "&lt;!channel&gt;" in text and "&lt;!here&gt; look" in text
    assert "`team=&lt;@U001&gt; &amp; &lt;#C1|x&gt;`" in text


def test_grafana_links_dashboard_panel_and_silence(running: RunningBot) -> None:
    alert = am_alert() | {
        "silenceURL": "http://grafana/alerting/silence/new",
        "dashboardURL": "http://grafana/d/abc",
        "panelURL": "http://grafana/d/abc?viewPanel=2",
        "values": {"B": 3.2},
        "valueString": "[ var='B' value=3.2 ]",
    }
    payload = alertmanager(alert) | {
        "version": "1",
        "orgId": 1,
        "title": "[FIRING:1]",
        "message": "m",
        "state": "alerting",
    }
    assert post(running, GRAFANA, payload).status == 202
    text = _text(_shows(running, "HighErrorRate"))
    assert "<http://grafana/d/abc|Dashboard>" in text
    assert "<http://grafana/d/abc?viewPanel=2|Panel>" in text
    assert "<http://grafana/alerting/silence/new|Silence>" in text


def test_a_huge_summary_and_label_still_make_a_message_slack_takes(running: RunningBot) -> None:
    huge = am_alert(labels={"alertname": "Big", "team": "t" * 50_000}, summary="word " * 40_000)
    assert post(running, ALERTMANAGER, alertmanager(huge)).status == 202
    message = _shows(running, "*Big*")
    assert len(message["blocks"]) <= 50
    assert "…" in _text(message)
