"""In-memory incidents for `MemoryStore` (`incident/repository.py`; the SQL store's is
`store/sql_incidents.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.incident.repository import NewIncident


class MemoryIncidents:
    """Mixed into MemoryStore, whose `incidents`, `counters` and `ids` these are."""

    incidents: dict[int, Incident]
    counters: dict[str, int]
    ids: Iterator[int]

    def add_incident(self, new: NewIncident) -> Incident:
        number = self.counters.get(new.team_id, 0) + 1
        self.counters[new.team_id] = number
        incident = Incident(
            id=next(self.ids),
            number=number,
            status=Status.INVESTIGATING,
            setup_state=SetupState.PENDING,
            **{k: getattr(new, k) for k in NewIncident.__dataclass_fields__},
        )
        self.incidents[incident.id] = incident
        return incident

    def get_incident(self, incident_id: int, *, for_update: bool = False) -> Incident | None:
        return self.incidents.get(incident_id)

    def incident_by_channel(self, channel_id: str) -> Incident | None:
        return next((i for i in self.incidents.values() if i.channel_id == channel_id), None)

    def incident_by_number(self, team_id: str, number: int) -> Incident | None:
        return next((i for i in self.incidents.values() if (i.team_id, i.number) == (team_id, number)), None)

    def open_incidents(self, team_id: str) -> list[Incident]:
        return [i for i in self.incidents.values() if i.team_id == team_id and i.is_open]

    def interrupted_setups(self) -> list[Incident]:
        return [i for i in self.incidents.values() if i.setup_state is SetupState.PENDING]

    def save_incident(self, incident: Incident) -> Incident:
        current = self.incidents[incident.id]
        saved = incident.model_copy(update={"team_id": current.team_id, "number": current.number})
        self.incidents[incident.id] = saved
        return saved

    def teams_with_incident(self, number: int) -> list[str]:
        return sorted({i.team_id for i in self.incidents.values() if i.number == number})

    def incidents_declared_since(self, team_id: str, since: datetime) -> list[Incident]:
        return [i for i in self.incidents.values() if i.team_id == team_id and i.declared_at >= since]

    def incidents_numbered(self, number: int) -> list[Incident]:
        return sorted((i for i in self.incidents.values() if i.number == number), key=lambda i: i.team_id)
