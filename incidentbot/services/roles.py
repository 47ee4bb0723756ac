"""Assigning the incident commander, communications lead and scribe."""

from __future__ import annotations

from incidentbot.domain.models import EventKind, Incident, Role
from incidentbot.services.context import Services
from incidentbot.services.errors import (
    BotUser,
    IncidentClosed,
    IncidentNotFound,
    NotPermitted,
    SlackUnavailable,
    UnknownUser,
)
from incidentbot.services.ports import NewEvent, Person


def check_assignable(services: Services, user_id: str) -> Person:
    """The person, or UnknownUser / BotUser for someone who cannot hold a role."""
    person = services.workspace.person(user_id)
    if person is None or person.deleted:
        raise UnknownUser(user_id)
    if person.is_bot:
        raise BotUser(user_id)
    return person


def assign(services: Services, incident_id: int, role: Role, user_id: str, by: str) -> Incident:
    """Give `role` to `user_id`, relieve the previous holder, and tell everyone."""
    person = check_assignable(services, user_id)
    now = services.clock.now()
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        if not incident.is_open:
            raise IncidentClosed(incident.label)
        roster = tx.roster(incident.id)
        if roster.holder(role) == user_id:
            return incident
        if not services.policy.permissions.may_assign(roster, role, by):
            raise NotPermitted("the incident commander")
        tx.assign_role(incident.id, role, user_id, by, now)
        tx.add_event(
            NewEvent(
                incident_id=incident.id,
                kind=EventKind.ROLE_ASSIGNED,
                text=f"{services.policy.role_name(role)}: {person.name}",
                occurred_at=now,
                actor_id=by,
            )
        )
        view = services.view(tx, incident)
    workspace = services.workspace
    assert incident.channel_id is not None
    workspace.invite(incident.channel_id, [user_id])
    workspace.post_role_change(view, role, user_id, by)
    workspace.send_role_checklist(view, role, user_id)
    try:
        workspace.refresh_summary(view)
    except SlackUnavailable:
        pass  # The role is recorded; the summary catches up on the next change.
    return incident
