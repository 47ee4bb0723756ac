"""A `declare` rule: a new group matching it is declared an incident at once, once per group."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from incidentbot.alerts.rules import AlertsSection
from incidentbot.incident.models import Role, Severity
from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    alertmanager,
    am_alert,
    declaring_critical,
    groups,
    post,
)
from tests.e2e.helpers import pending_requests, wait_until
from tests.support.harness import RunningBot

ONCALL = "U0ONCALL"
CRITICAL = {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"}


@pytest.fixture
def alerts_config() -> AlertsSection:
    return declaring_critical(ONCALL)


def _declared(running: RunningBot) -> object:
    running.settle()
    return running.incident(1)


def test_a_matching_alert_declares_an_incident_led_by_the_rules_commander(running: RunningBot) -> None:
    running.slack.add_user(ONCALL, "oncall")
    assert post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL))).status == 202
    incident = wait_until(lambda: _declared(running))
    assert (incident.title, incident.impact, incident.severity) == (
        "HighErrorRate",
        "5xx above 2% on checkout",
        Severity.SEV2,
    )
    assert incident.declared_by == "alerts"
    assert running.services.view_of(incident.id).roster.holder(Role.COMMANDER) == ONCALL
    assert groups(running)[0].incident_id == incident.id
    channel = wait_until(lambda: running.services.view_of(incident.id).incident.channel_id)
    wait_until(lambda: ONCALL in running.slack.members(channel))
    shown = wait_until(lambda: running.slack.messages(ALERT_CHANNEL))
    assert "Declared automatically by an alert rule as incident" in str(shown[0]["blocks"])


def test_a_storm_of_one_group_declares_one_incident(running: RunningBot) -> None:
    running.slack.add_user(ONCALL, "oncall")
    batches = [alertmanager(am_alert(f"f{n}", labels=CRITICAL)) for n in range(40)]
    with ThreadPoolExecutor(8) as senders:
        answers = list(senders.map(lambda batch: post(running, ALERTMANAGER, batch), batches))
    assert {answer.status for answer in answers} == {202}
    wait_until(lambda: not pending_requests(running), timeout=60)
    running.settle()
    assert running.incident(1) is not None and running.incident(2) is None
    assert [group.incident_id for group in groups(running)] == [running.incident(1).id]


def test_an_alert_no_declare_rule_matches_declares_nothing(running: RunningBot) -> None:
    warning = am_alert(labels={"alertname": "DiskFull", "severity": "warning"})
    post(running, ALERTMANAGER, alertmanager(warning, group_key="{}:disk"))
    wait_until(lambda: running.slack.messages(ALERT_CHANNEL))
    running.settle()
    assert running.incident(1) is None and groups(running)[0].incident_id is None


def test_a_commander_slack_does_not_know_leaves_the_incident_without_one(running: RunningBot) -> None:
    post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL)))
    incident = wait_until(lambda: _declared(running))
    assert running.services.view_of(incident.id).roster.holder(Role.COMMANDER) is None


def test_a_declare_rule_met_while_slack_cannot_name_the_workspace_asks_the_sender_to_retry(
    running: RunningBot,
) -> None:
    running.slack.fail_ratio("auth.test", 1.0, status=500)
    answer = post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL)))
    assert answer.status == 503 and "send again" in answer.body["message"]
    assert pending_requests(running) == [] and groups(running) == []
    running.slack.fail_ratio("auth.test", 0.0)
    assert post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL))).status == 202
    wait_until(lambda: _declared(running))


@pytest.mark.parametrize("who", [{"deleted": True}, {"is_bot": True}])
def test_a_deactivated_or_bot_commander_leaves_the_incident_without_one(
    running: RunningBot, who: dict[str, bool]
) -> None:
    running.slack.add_user(ONCALL, "oncall", **who)
    post(running, ALERTMANAGER, alertmanager(am_alert(labels=CRITICAL)))
    incident = wait_until(lambda: _declared(running))
    assert running.services.view_of(incident.id).roster.holder(Role.COMMANDER) is None
