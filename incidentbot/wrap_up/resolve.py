"""Resolving an incident: record what fixed it and who was affected, then close it everywhere.

`/incident resolve` and the summary's button open the form; its submission is the
`ResolveIncident` command, journalled before the ack. Applying it closes the incident with
`changes.close`, as `/incident status resolved` does, records the resolution, and owes the
resolution post and the postmortem offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from incidentbot.changes.close import close
from incidentbot.incident.events import IncidentResolved
from incidentbot.incident.models import EventKind, Incident
from incidentbot.incident.permissions import Permissions
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound, NotAMember
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent, Transaction
from incidentbot.kernel.unit_of_work import UnitOfWork
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


class ResolveIncident(Command):
    """The resolve form, submitted and validated."""

    kind: ClassVar[str] = JournalKind.RESOLVE
    incident_id: int
    given: ResolutionInput


def check_resolvable(services: Services, incident_id: int, by: str) -> Incident:
    """The incident, if `by` may resolve it now.

    Called before the resolve form opens, so nobody fills it in for nothing, and again when it is
    submitted; applying the command checks once more.
    """
    with services.store.transaction() as tx:
        return resolvable(tx, services.policy.permissions, incident_id, by)


def resolvable(
    tx: Transaction, permissions: Permissions, incident_id: int, by: str, *, for_update: bool = False
) -> Incident:
    """AlreadyResolved when it is resolved and its resolution recorded; OnlyCommanderResolves when
    the team leaves resolving to the commander and `by` is not them."""
    incident = tx.get_incident(incident_id, for_update=for_update)
    if incident is None:
        raise IncidentNotFound(str(incident_id))
    if not incident.is_open and tx.resolution(incident_id) is not None:
        raise AlreadyResolved(incident.label)
    authority.require_resolver(tx, permissions, incident_id, by)
    return incident


def resolve(uow: UnitOfWork, command: ResolveIncident) -> Resolution:
    """Resolve the incident and record the resolution, as of when the form was sent.

    An incident resolved earlier with `/incident status resolved` gets its resolution recorded
    (keeping its resolution time); a reopened one is resolved again and the record replaced.
    """
    by, at, given = command.user_id, command.received_at or uow.now, command.given
    incident = resolvable(uow.tx, uow.policy.permissions, command.incident_id, by, for_update=True)
    closing = incident.is_open
    if closing:
        _require_member(uow, incident, by)
        incident = close(uow, incident, by, at, fix=given.fix)
    resolution = uow.tx.save_resolution(
        Resolution(
            incident_id=incident.id,
            resolved_by=by,
            resolved_at=incident.resolved_at or at,
            fix=given.fix,
            customer_impact=given.customer_impact,
            users_affected=given.users_affected,
            root_cause=given.root_cause,
            started_at=given.started_at,
        )
    )
    event = uow.tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.RESOLVED,
            text=f"Resolved: {given.fix}",
            occurred_at=at,
            actor_id=by,
        )
    )
    uow.emit(OutboxKind.RESOLUTION_POST, incident.id, event.id if event else incident.id)
    uow.emit(OutboxKind.POSTMORTEM_OFFER, incident.id, incident.id)
    if not closing:
        # Closed earlier by `/incident status resolved`: announced again with the fix, and a
        # receiver still hears of each resolution once (`webhooks/register.py`).
        uow.announce(IncidentResolved(incident.id, resolved_by=by, fix=given.fix))
    return resolution


RESOLVE = CommandHandler(ResolveIncident, resolve)


def _require_member(uow: UnitOfWork, incident: Incident, by: str) -> None:
    """A private incident is resolved only from inside its channel (membership is never guessed)."""
    if not incident.is_private:
        return
    members = uow.people.members(incident.channel_id) if incident.channel_id else [incident.declared_by]
    if by not in members:
        raise NotAMember(uow.tx.roster(incident.id).commander or "")
