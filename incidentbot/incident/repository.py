"""The incidents' repository: what the store keeps of each incident, part of the `Transaction` port."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.incident.models import Incident, Severity


@dataclass(frozen=True)
class NewIncident:
    team_id: str
    title: str
    severity: Severity
    impact: str
    is_private: bool
    declared_by: str
    declared_at: datetime
    next_update_due: datetime | None
    drill: bool = False
    time_scale: int = 1


class IncidentRepository(Protocol):
    def add_incident(self, new: NewIncident) -> Incident:
        """Numbered per workspace; concurrent declarations never share a number."""
        ...

    def get_incident(self, incident_id: int, *, for_update: bool = False) -> Incident | None: ...
    def incident_by_channel(self, channel_id: str) -> Incident | None: ...
    def incident_by_number(self, team_id: str, number: int) -> Incident | None: ...
    def open_incidents(self, team_id: str) -> list[Incident]: ...
    def interrupted_setups(self) -> list[Incident]:
        """Incidents whose Slack setup was started but neither finished nor marked failed."""
        ...

    def save_incident(self, incident: Incident) -> Incident: ...
    def teams_with_incident(self, number: int) -> list[str]: ...
    def incidents_declared_since(self, team_id: str, since: datetime) -> list[Incident]: ...
    def incidents_numbered(self, number: int) -> list[Incident]: ...
