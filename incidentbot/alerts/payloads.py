"""The payloads senders document, field for field, and the alerts the bot reads from them.

Field names are the senders' own, so a payload from their documentation validates as written:
Prometheus Alertmanager's webhook (version "4"), Grafana alerting's webhook contact point
(version "1": Alertmanager's shape plus `orgId`, `title`, `message` and per alert `silenceURL`,
`dashboardURL`, `panelURL`, `values`) and PagerDuty's Events API v2.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from incidentbot.alerts.model import AlertBatch, AlertState, Links, ReceivedAlert, Source

DEDUP_KEY_MAX = 255
"""PagerDuty's own limit on `dedup_key`."""
SUMMARY_MAX = 1024
"""PagerDuty's own limit on `payload.summary`."""
NOT_SET_BEFORE = 1970
"""Alertmanager writes `0001-01-01T00:00:00Z` for a time it does not have."""


class _Payload(BaseModel):
    # Senders add fields over time: unknown ones are ignored, documented ones are checked.
    model_config = ConfigDict(extra="ignore", frozen=True)


class AlertmanagerAlert(_Payload):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: datetime  # noqa: N815 - the sender's field name
    endsAt: datetime | None = None  # noqa: N815
    generatorURL: str = ""  # noqa: N815
    fingerprint: str = Field(min_length=1, max_length=DEDUP_KEY_MAX)


class AlertmanagerWebhook(_Payload):
    version: Literal["4"]
    groupKey: str = Field(min_length=1)  # noqa: N815
    truncatedAlerts: int = 0  # noqa: N815
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = {}  # noqa: N815
    commonLabels: dict[str, str] = {}  # noqa: N815
    commonAnnotations: dict[str, str] = {}  # noqa: N815
    externalURL: str = ""  # noqa: N815
    alerts: list[AlertmanagerAlert] = Field(min_length=1)

    def batch(self) -> AlertBatch:
        return AlertBatch(
            source=Source.ALERTMANAGER,
            group_key=self.groupKey,
            alerts=tuple(_read(alert, Links(generator=alert.generatorURL)) for alert in self.alerts),
            group_labels=self.groupLabels,
        )


class GrafanaAlert(AlertmanagerAlert):
    silenceURL: str = ""  # noqa: N815
    dashboardURL: str = ""  # noqa: N815
    panelURL: str = ""  # noqa: N815
    values: dict[str, float] | None = None
    valueString: str = ""  # noqa: N815


class GrafanaWebhook(AlertmanagerWebhook):
    version: Literal["1"]  # type: ignore[assignment]
    orgId: int = 0  # noqa: N815
    title: str = ""
    message: str = ""
    state: str = ""
    alerts: list[GrafanaAlert] = Field(min_length=1)  # type: ignore[assignment]

    def batch(self) -> AlertBatch:
        return AlertBatch(
            source=Source.GRAFANA,
            group_key=self.groupKey,
            alerts=tuple(
                _read(
                    alert,
                    Links(
                        generator=alert.generatorURL,
                        dashboard=alert.dashboardURL,
                        panel=alert.panelURL,
                        silence=alert.silenceURL,
                    ),
                )
                for alert in self.alerts
            ),
            group_labels=self.groupLabels,
        )


def _read(alert: AlertmanagerAlert, links: Links) -> ReceivedAlert:
    annotations = alert.annotations
    return ReceivedAlert(
        fingerprint=alert.fingerprint,
        state=AlertState(alert.status),
        title=alert.labels.get("alertname") or annotations.get("summary") or alert.fingerprint,
        summary=annotations.get("summary") or annotations.get("description") or "",
        labels=alert.labels,
        starts_at=alert.startsAt if alert.startsAt.year >= NOT_SET_BEFORE else None,
        links=links,
    )


class EventLink(_Payload):
    href: str
    text: str = ""


class EventDetails(_Payload):
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    source: str = Field(min_length=1)
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: datetime | None = None
    component: str = ""
    group: str = ""
    class_: str = Field(default="", alias="class")
    custom_details: Any = None


class EventsV2(_Payload):
    routing_key: str = Field(min_length=1)
    event_action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: str | None = Field(default=None, min_length=1, max_length=DEDUP_KEY_MAX)
    payload: EventDetails | None = None
    links: list[EventLink] = []
    client: str = ""
    client_url: str = ""

    def problem(self) -> str | None:
        """What PagerDuty would refuse beyond the fields' own shapes."""
        if self.event_action == "trigger" and self.payload is None:
            return "payload: required for event_action trigger"
        if self.event_action != "trigger" and not self.dedup_key:
            return f"dedup_key: required for event_action {self.event_action}"
        return None

    def batch(self) -> AlertBatch:
        # A trigger without a dedup key starts an alert of its own, as PagerDuty does.
        key = self.dedup_key or uuid.uuid4().hex
        details = self.payload
        labels = _event_labels(details) if details else {}
        alert = ReceivedAlert(
            fingerprint=key,
            state=AlertState.FIRING if self.event_action == "trigger" else AlertState.RESOLVED,
            title=details.summary if details else key,
            summary=details.summary if details else "",
            labels=labels,
            starts_at=details.timestamp if details else None,
            links=Links(
                generator=self.client_url,
                others=tuple((link.text or link.href, link.href) for link in self.links),
            ),
        )
        return AlertBatch(source=Source.EVENTS_V2, group_key=key, alerts=(alert,))

    @property
    def acknowledges(self) -> bool:
        """An acknowledgement changes nothing the bot shows: it is accepted and left there."""
        return self.event_action == "acknowledge"


def _event_labels(details: EventDetails) -> dict[str, str]:
    named = {
        "severity": details.severity,
        "source": details.source,
        "component": details.component,
        "group": details.group,
        "class": details.class_,
    }
    return {name: value for name, value in named.items() if value}
