"""An alert as the bot keeps it, whichever sender it came from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Source(StrEnum):
    """Who sent the alerts; each has its own route, payload and rate budget."""

    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    EVENTS_V2 = "events_v2"


class AlertState(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Links(BaseModel):
    model_config = ConfigDict(frozen=True)

    generator: str = ""
    dashboard: str = ""
    panel: str = ""
    silence: str = ""
    others: tuple[tuple[str, str], ...] = ()
    """(text, address) pairs a sender named itself (Events v2 `links`)."""


class ReceivedAlert(BaseModel):
    """One alert of a group, known by its fingerprint."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    state: AlertState
    title: str
    summary: str = ""
    labels: dict[str, str] = {}
    starts_at: datetime | None = None
    links: Links = Links()


class AlertBatch(BaseModel):
    """What one request delivered: alerts of one group, as the sender grouped them."""

    model_config = ConfigDict(frozen=True)

    source: Source
    group_key: str
    alerts: tuple[ReceivedAlert, ...]
    group_labels: dict[str, str] = {}
