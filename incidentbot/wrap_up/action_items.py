"""Action items: add them with an owner and a due date, mark them done, and chase overdue ones.

Adding one (`AddActionItem`) and marking it done or open again (`SetActionState`) are commands,
journalled before the ack.

An open item with an owner and a due date gets a durable `action_overdue` reminder for the end
of its due day (UTC). When it fires, the owner gets one DM and the next day's reminder is
scheduled; the reminders table's unique key makes each day's reminder exist once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar, Protocol

from incidentbot.incident.events import ActionItemCreated, ActionItemUpdated
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import Person, Transaction
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.wrap_up.action_item_rules import (
    ActionDraft,
    ActionInputError,
    ActionItem,
    ActionState,
    check_due,
    next_reminder,
    parse_action,
)
from incidentbot.wrap_up.errors import ActionItemNotFound, InvalidActionItem
from incidentbot.wrap_up.ports import WRAP_UP_MESSAGES, NewActionItem

REMIND_EVERY = timedelta(days=1)


class ReminderRow(Protocol):
    """What the handler reads from a reminder, whichever engine hands it over."""

    @property
    def subject_id(self) -> int | None: ...
    @property
    def due_at(self) -> datetime: ...


def parse(services: Services, text: str) -> ActionDraft:
    """The `/incident action …` text as a draft; InvalidActionItem says what to fix."""
    try:
        return parse_action(text, services.clock.now().date())
    except ActionInputError as error:
        raise InvalidActionItem(error.problem, error.detail) from None


def check_owner(services: Services, owner_id: str | None) -> None:
    """One person who is still here: not a bot, not someone who left the workspace."""
    if owner_id is not None:
        _refuse_unless_present(services.workspace.person(owner_id))


def _refuse_unless_present(person: Person | None) -> None:
    if person is None:
        raise InvalidActionItem("owner_unknown")
    if person.deleted:
        raise InvalidActionItem("owner_left", person.name)
    if person.is_bot:
        raise InvalidActionItem("owner_bot")


class AddActionItem(Command):
    """`/incident action …` or the action item form, checked."""

    kind: ClassVar[str] = JournalKind.ACTION_ITEM
    incident_id: int
    draft: ActionDraft


def add(uow: UnitOfWork, command: AddActionItem) -> ActionItem:
    """Check and store the item, book its overdue reminder, and owe its announcement."""
    draft = command.draft
    if draft.owner_id is not None:
        _refuse_unless_present(uow.people.person(draft.owner_id))
    now = command.received_at or uow.now
    if draft.due_on is not None:
        try:
            check_due(draft.due_on, now.date())
        except ActionInputError as error:
            raise InvalidActionItem(error.problem, error.detail) from None
    incident = uow.tx.get_incident(command.incident_id)
    if incident is None:
        raise IncidentNotFound(str(command.incident_id))
    item = uow.tx.add_action_item(
        NewActionItem(
            incident_id=incident.id,
            text=draft.text,
            created_by=command.user_id,
            created_at=now,
            owner_id=draft.owner_id,
            due_on=draft.due_on,
            priority=draft.priority,
            success_metric=draft.success_metric,
        )
    )
    _schedule(uow.tx, item, uow.now)
    uow.emit(OutboxKind.ACTION_ITEM_POST, incident.id, item.id)
    uow.announce(ActionItemCreated(incident.id, item_id=item.id, text=item.text, owner=item.owner_id))
    return item


ADD = CommandHandler(AddActionItem, add)


def items(services: Services, incident_id: int) -> list[ActionItem]:
    with services.store.transaction() as tx:
        return tx.action_items(incident_id)


class SetActionState(Command):
    """The done or reopen button on an action item."""

    kind: ClassVar[str] = JournalKind.ACTION_STATE
    item_id: int
    state: ActionState


def set_state(uow: UnitOfWork, command: SetActionState) -> ActionItem:
    """Done or reopened; reopening an overdue item restarts its daily reminders."""
    done_at = (command.received_at or uow.now) if command.state is ActionState.DONE else None
    item = uow.tx.set_action_state(command.item_id, command.state, done_at)
    if item is None:
        raise ActionItemNotFound(str(command.item_id))
    _schedule(uow.tx, item, uow.now)
    uow.announce(ActionItemUpdated(item.incident_id, item_id=item.id, done=done_at is not None))
    return item


SET_STATE = CommandHandler(SetActionState, set_state)


def _schedule(tx: Transaction, item: ActionItem, now: datetime) -> None:
    if item.is_open and item.owner_id and item.due_on is not None:
        tx.schedule_action_reminder(item, next_reminder(item.due_on, now))


def remind_overdue(services: Services, reminder: ReminderRow) -> None:
    """The reminders engine's handler for kind `action_overdue`: DM the owner, book tomorrow.

    Nothing happens, and nothing more is scheduled, for an item that is done or gone, or whose
    owner has left the workspace (the postmortem still lists it under that owner).
    """
    if reminder.subject_id is None:
        return
    with services.store.transaction() as tx:
        item = tx.action_item(reminder.subject_id)
        incident = tx.get_incident(item.incident_id) if item else None
        if item is None or incident is None or not item.is_open or not item.owner_id or not item.due_on:
            return
        view = services.view(tx, incident)
    if _has_left(services, item.owner_id):
        return
    with services.store.transaction() as tx:
        tx.schedule_action_reminder(item, reminder.due_at + REMIND_EVERY)
    WRAP_UP_MESSAGES.of(services).remind_action_owner(view, item, item.owner_id)


def _has_left(services: Services, user_id: str) -> bool:
    person = services.workspace.person(user_id)
    return person is None or person.deleted
