"""The permission rules of `domain.permissions`, checked inside the unit of work that acts on them."""

from __future__ import annotations

from incidentbot.incident.models import Incident
from incidentbot.incident.permissions import Permissions
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import NotAMember
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.listing.queries import may_see
from incidentbot.wrap_up.errors import OnlyCommanderResolves


def require_resolver(tx: Transaction, permissions: Permissions, incident_id: int, by: str) -> None:
    """OnlyCommanderResolves unless `by` may resolve (or reopen) this incident."""
    roster = tx.roster(incident_id)
    if not permissions.may_resolve(roster, by):
        raise OnlyCommanderResolves(roster.commander or "")


def require_member(services: Services, incident: Incident, by: str) -> None:
    """NotAMember unless `by` is in a private incident's channel; anyone may change a public one.

    Buttons in DMs, the App Home and forms name an incident by number, so a person who is not
    (or no longer) in a private incident's channel could otherwise still change it. Asks Slack
    who the members are: SlackUnavailable when it cannot say, for membership is never guessed.
    """
    if may_see(services, incident, by):
        return
    with services.store.transaction() as tx:
        commander = tx.roster(incident.id).commander
    raise NotAMember(commander or "")


def require_member_in(uow: UnitOfWork, incident: Incident, by: str) -> None:
    """As `require_member`, while applying a command."""
    if not incident.is_private:
        return
    if incident.channel_id is None:
        allowed = by == incident.declared_by
    else:
        allowed = by in uow.people.members(incident.channel_id)
    if not allowed:
        raise NotAMember(uow.tx.roster(incident.id).commander or "")
