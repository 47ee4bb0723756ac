"""Resolving an incident: record what fixed it and who was affected, then close it everywhere.

The status goes through `changes.set_status`, which also settles the cadence machinery (pending
nags, the open next-update commitment) and refreshes the summary, topic and announcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidentbot.changes import service as changes
from incidentbot.incident.models import EventKind, Incident, Status
from incidentbot.kernel import outbox
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound, SlackUnavailable
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.roles import authority
from incidentbot.wrap_up.errors import AlreadyResolved
from incidentbot.wrap_up.resolution_rules import Resolution


@dataclass(frozen=True)
class ResolutionInput:
    fix: str
    customer_impact: str
    users_affected: int | None = None
    root_cause: str = ""
    started_at: datetime | None = None


def check_resolvable(services: Services, incident_id: int, by: str) -> Incident:
    """The incident, if `by` may resolve it now.

    AlreadyResolved when it is resolved and its resolution recorded; OnlyCommanderResolves when
    the team leaves resolving to the commander and `by` is not them. Called before the resolve
    form opens, so nobody fills it in for nothing, and again when it is submitted.
    """
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        if not incident.is_open and tx.resolution(incident_id) is not None:
            raise AlreadyResolved(incident.label)
        authority.require_resolver(tx, services.policy.permissions, incident_id, by)
    return incident


def resolve(services: Services, incident_id: int, given: ResolutionInput, by: str) -> Resolution:
    """Resolve the incident and record the resolution.

    An incident resolved earlier with `/incident status resolved` gets its resolution recorded
    (keeping its resolution time); a reopened one is resolved again and the record replaced.
    Refused (OnlyCommanderResolves) for anyone the permissions do not allow to resolve it.
    """
    incident = check_resolvable(services, incident_id, by)
    unposted: SlackUnavailable | None = None
    if incident.is_open:
        try:
            changes.set_status(services, incident_id, Status.RESOLVED, by)
        except SlackUnavailable as failure:
            unposted = failure  # The status is saved; record the resolution before saying so.
    with services.store.transaction() as tx:
        current = tx.get_incident(incident_id) or incident
        resolved_at = current.resolved_at or services.clock.now()
        resolution = tx.save_resolution(
            Resolution(
                incident_id=incident_id,
                resolved_by=by,
                resolved_at=resolved_at,
                fix=given.fix,
                customer_impact=given.customer_impact,
                users_affected=given.users_affected,
                root_cause=given.root_cause,
                started_at=given.started_at,
            )
        )
        event = tx.add_event(
            NewEvent(
                incident_id=incident_id,
                kind=EventKind.RESOLVED,
                text=f"Resolved: {given.fix}",
                occurred_at=services.clock.now(),
                actor_id=by,
            )
        )
        post = outbox.enqueue(
            tx,
            OutboxKind.RESOLUTION_POST,
            incident_id,
            event.id if event else incident_id,
            services.clock.now(),
        )
        view = services.view(tx, current)
    held = outbox.send_now(services, [post])
    try:
        services.workspace.offer_postmortem(view, view.roster.commander or by)
    except SlackUnavailable:
        pass  # The resolution is posted; `/incident postmortem` starts the draft just as well.
    if unposted is not None:
        raise unposted
    if held:
        raise outbox.DeliveryDelayed(held[0].last_error or "")
    return resolution
