"""Posting alerts to the running bot as senders do, and reading what triage did."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from incidentbot.alerts.ports import AlertGroup
from incidentbot.alerts.rules import AlertRule, AlertsSection, RuleAction
from incidentbot.alerts.sql_alerts import SqlAlerts, alert_groups
from incidentbot.incident.models import Severity
from incidentbot.kernel.reminder_rows import RETRY_MAX
from tests.support.harness import RunningBot

TOKEN = "alert-intake-token-for-tests"
ALERT_CHANNEL = "C0ALERTS"
ALERTMANAGER = "/alerts/alertmanager"
GRAFANA = "/alerts/grafana"
EVENTS_V2 = "/alerts/events/v2/enqueue"


@dataclass(frozen=True)
class Answered:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def post(
    running: RunningBot,
    path: str,
    payload: Any,
    *,
    token: str | None = TOKEN,
    content_type: str = "application/json",
    raw: bytes | None = None,
    method: str = "POST",
) -> Answered:
    data = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(running.base_url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answered(response.status, json.loads(response.read()), dict(response.headers))
    except urllib.error.HTTPError as error:
        body = error.read()
        return Answered(error.code, json.loads(body) if body else {}, dict(error.headers))


def am_alert(
    fingerprint: str = "f1",
    status: str = "firing",
    labels: dict[str, str] | None = None,
    summary: str = "5xx above 2% on checkout",
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": labels or {"alertname": "HighErrorRate", "severity": "critical", "service": "checkout"},
        "annotations": {"summary": summary},
        "startsAt": "2026-01-01T11:55:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=rate",
        "fingerprint": fingerprint,
    }


def alertmanager(
    *alerts: dict[str, Any], group_key: str = '{}:{alertname="HighErrorRate"}', status: str | None = None
) -> dict[str, Any]:
    chosen = list(alerts) or [am_alert()]
    firing = any(alert["status"] == "firing" for alert in chosen)
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status or ("firing" if firing else "resolved"),
        "receiver": "incidentbot",
        "groupLabels": {"alertname": "HighErrorRate"},
        "commonLabels": {"alertname": "HighErrorRate"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": chosen,
    }


def deliver_held(running: RunningBot) -> None:
    """What waited for an earlier edit of the same message goes out on the scheduler's next tick."""
    running.settle()
    running.clock.advance(RETRY_MAX)
    running.fire_due()


def groups(running: RunningBot) -> list[AlertGroup]:
    with running.services.store.transaction() as tx:
        ids = tx.db.execute(select(alert_groups.c.id).order_by(alert_groups.c.id)).scalars().all()
        repository = SqlAlerts(tx)
        return [found for group_id in ids if (found := repository.group(group_id)) is not None]


def triage_posts(running: RunningBot, channel: str = ALERT_CHANNEL) -> list[Any]:
    return [
        call for call in running.slack.ok_calls_to("chat.postMessage") if call.args.get("channel") == channel
    ]


def declaring_critical(commander: str | None) -> AlertsSection:
    """Alerts triaged in `ALERT_CHANNEL`; a critical one is declared a SEV-2 led by `commander`."""
    rule = AlertRule(
        match={"severity": "critical"}, action=RuleAction.DECLARE, severity=Severity.SEV2, commander=commander
    )
    return AlertsSection(channel=ALERT_CHANNEL, rate_per_minute=1000, rules=(rule,))
