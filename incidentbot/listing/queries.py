"""Read-only questions about incidents, with the privacy rule applied."""

from __future__ import annotations

from incidentbot.incident.models import Incident
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import IncidentView


def visible_open_incidents(services: Services, team_id: str, user_id: str) -> list[IncidentView]:
    """Open incidents this person may see: a private one only for members of its channel."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        incidents = tx.open_incidents(team_id)
        rosters = tx.rosters([incident.id for incident in incidents])
    return [
        IncidentView(incident=incident, roster=rosters[incident.id], policy=services.policy, now=now)
        for incident in incidents
        if may_see(services, incident, user_id)
    ]


def may_see(services: Services, incident: Incident, user_id: str) -> bool:
    """Everyone sees a public incident; a private one only the members of its channel.

    SlackUnavailable when Slack cannot say who the members are: membership is never guessed.
    """
    if not incident.is_private:
        return True
    if incident.channel_id is None:
        return user_id == incident.declared_by
    return user_id in services.workspace.channel_members(incident.channel_id)
