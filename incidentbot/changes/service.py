"""Changing an incident's severity or status by its id, and whether a lowering needs confirming.

The change itself is the `ChangeIncident` command (`changes/commands.py`); these apply it in the
caller's thread, for callers that hold an incident rather than a Slack request.
"""

from __future__ import annotations

from incidentbot.changes.commands import CHANGE, ChangeIncident
from incidentbot.incident.models import Incident, Severity, Status
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services


def lowering_to_confirm(services: Services, channel_id: str, severity: Severity, by: str) -> Incident | None:
    """The incident in `channel_id` when `by`, holding no role, must confirm lowering it to `severity`."""
    with services.store.transaction() as tx:
        incident = tx.incident_by_channel(channel_id)
        roster = tx.roster(incident.id) if incident else None
    if incident is None or roster is None:
        return None  # applying the change explains what is wrong
    rules = services.policy.permissions
    return incident if rules.must_confirm_lowering(roster, incident.severity, severity, by) else None


def set_severity(
    services: Services, incident_id: int, severity: Severity, by: str, *, confirmed: bool = False
) -> Incident:
    """Change the severity now; the incident as it is when it already has `severity`."""
    incident = services.view_of(incident_id).incident
    if incident.severity is severity:
        return incident
    asked = ChangeIncident(incident_id=incident_id, user_id=by, severity=severity, confirmed=confirmed)
    return commands.execute(services, CHANGE, asked, None)


def set_status(services: Services, incident_id: int, status: Status, by: str) -> Incident:
    """Move to `status` now; resolving or reopening is refused to those who may not."""
    incident = services.view_of(incident_id).incident
    if incident.status is status:
        return incident
    asked = ChangeIncident(incident_id=incident_id, user_id=by, status=status)
    return commands.execute(services, CHANGE, asked, None)
