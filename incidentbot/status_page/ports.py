"""What publishing needs from the store, in status-page terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.incident.models import Status
from incidentbot.status_page.model import ComponentState, Impact, PublicIncident, PublishedUpdate


@dataclass(frozen=True)
class NewPublishedUpdate:
    incident_id: int
    comms_text_id: int
    name: str
    stage: Status
    impact: Impact
    body: str
    next_update_at: datetime | None
    components: dict[str, ComponentState]
    published_at: datetime


class StatusPageTransaction(Protocol):
    def publish(self, new: NewPublishedUpdate) -> PublishedUpdate: ...
    def public_incident(self, incident_id: int) -> PublicIncident | None: ...
    def published_impact(self, incident_id: int) -> Impact | None:
        """The impact the incident has on the page so far; None before its first publication."""
        ...

    def public_incidents(self, *, since: datetime | None = None) -> list[PublicIncident]:
        """Every published incident, newest first (those open or resolved after `since`)."""
        ...

    def correct(self, update_id: str, body: str, by: str, at: datetime) -> PublishedUpdate | None:
        """Replace a published text, keeping the one it replaces; None for an unknown update."""
        ...
