"""A "take a role" button, clicked: the person who clicked takes that role, once."""

from __future__ import annotations

from typing import ClassVar

from incidentbot.incident.models import Incident, Role
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles import service as roles


class TakeRole(Command):
    """Which incident's role the button offered; the person taking it is `user_id`."""

    kind: ClassVar[str] = JournalKind.TAKE_ROLE
    incident_id: int
    role: Role


def take_role(uow: UnitOfWork, command: TakeRole) -> Incident:
    user = command.user_id
    return roles.assign_in(uow, command.incident_id, command.role, user, user, at=command.received_at)


TAKE_ROLE = CommandHandler(TakeRole, take_role)
