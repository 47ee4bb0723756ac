"""A timeline entry edited or removed from its form: the correction recorded once."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles.actors import uow_actor_name
from incidentbot.timeline import service as timeline


class EditEntry(Command):
    """The edit form as submitted (already checked field by field)."""

    kind: ClassVar[str] = JournalKind.EDIT_ENTRY
    event_id: int
    user_name: str | None = None
    text: str
    occurred_at: datetime
    entry_kind: EventKind


class RemoveEntry(Command):
    """The removal, confirmed."""

    kind: ClassVar[str] = JournalKind.REMOVE_ENTRY
    event_id: int
    user_name: str | None = None


def edit_entry(uow: UnitOfWork, command: EditEntry) -> TimelineEvent:
    now = command.received_at or uow.now
    if command.occurred_at > now:
        raise timeline.TimeInFuture(command.occurred_at.strftime("%H:%M UTC"))
    change = timeline.Correction(text=command.text, occurred_at=command.occurred_at, kind=command.entry_kind)
    name = command.user_name or uow_actor_name(uow, command.user_id)
    permissions = uow.policy.permissions
    return timeline.edit_in(uow.tx, permissions, command.event_id, command.user_id, change, name, now)


def remove_entry(uow: UnitOfWork, command: RemoveEntry) -> TimelineEvent:
    now = command.received_at or uow.now
    name = command.user_name or uow_actor_name(uow, command.user_id)
    return timeline.delete_in(uow.tx, uow.policy.permissions, command.event_id, command.user_id, name, now)


EDIT_ENTRY = CommandHandler(EditEntry, edit_entry, tells_the_actor=False)
REMOVE_ENTRY = CommandHandler(RemoveEntry, remove_entry, tells_the_actor=False)
