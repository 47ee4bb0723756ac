"""Incidents declared through the real service, for tests that start from one."""

from __future__ import annotations

from typing import Any

from incidentbot.declare import service as declare
from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel.context import Services
from tests.support.units import applied


def declaration(**fields: Any) -> declare.Declaration:
    """A declaration from U001 in team T1; `fields` override any of its defaults."""
    defaults: dict[str, Any] = {
        "team_id": "T1",
        "title": "Checkout failing",
        "severity": Severity.SEV1,
        "impact": "Users cannot check out",
        "declared_by": "U001",
    }
    return declare.Declaration(**(defaults | fields))


def declared(services: Services, **fields: Any) -> Incident:
    """Recorded and its channel set up, as the bot does just after the ack."""
    return declare.set_up(services, applied(services, declare.DECLARE, declaration(**fields)).id)
