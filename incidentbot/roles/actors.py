"""Names for the record: a timeline entry keeps who acted by name, so exports need no Slack."""

from __future__ import annotations

from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.unit_of_work import UnitOfWork


def actor_name(services: Services, user_id: str | None) -> str | None:
    """The person's name; None when Slack cannot say right now (the id is kept either way)."""
    if not user_id:
        return None
    try:
        person = services.workspace.person(user_id)
    except SlackUnavailable:
        return None
    return person.name if person else None


def uow_actor_name(uow: UnitOfWork, user_id: str | None) -> str | None:
    """As `actor_name`, while applying a command."""
    if not user_id:
        return None
    try:
        person = uow.people.person(user_id)
    except SlackUnavailable:
        return None
    return person.name if person else None
