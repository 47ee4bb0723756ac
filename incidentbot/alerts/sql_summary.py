"""The alerts an incident's summary links: each group attached to it or declared from it."""

from __future__ import annotations

from collections.abc import Mapping

from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.incident.models import Incident
from incidentbot.kernel.ports import Transaction


def linked_alerts(tx: Transaction, incident: Incident) -> Mapping[str, object]:
    return {"alerts": SqlAlerts(tx).groups_of_incident(incident.id)}
