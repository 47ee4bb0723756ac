"""The alerts an incident's summary links: each group attached to it or declared from it; and, for
an incident an alert rule declared, the alert channel, where its setup's notices go."""

from __future__ import annotations

from collections.abc import Mapping

from incidentbot.alerts.autodeclare import RULE_DECLARER
from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.incident.models import Incident
from incidentbot.kernel.context import SETUP_NOTICES_CHANNEL
from incidentbot.kernel.ports import Transaction


def linked_alerts(tx: Transaction, incident: Incident) -> Mapping[str, object]:
    """The groups; for an incident a rule declared, also where its setup's notices go."""
    groups = SqlAlerts(tx).groups_of_incident(incident.id)
    if incident.declared_by == RULE_DECLARER and groups:
        return {"alerts": groups, SETUP_NOTICES_CHANNEL: groups[0].channel_id}
    return {"alerts": groups}
