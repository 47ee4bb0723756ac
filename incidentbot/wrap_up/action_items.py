"""Action items: add them with an owner and a due date, mark them done, and chase overdue ones.

An open item with an owner and a due date gets a durable `action_overdue` reminder for the end
of its due day (UTC). When it fires, the owner gets one DM and the next day's reminder is
scheduled; the reminders table's unique key makes each day's reminder exist once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.ports import IncidentView, Transaction
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
from incidentbot.wrap_up.ports import NewActionItem

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
    if owner_id is None:
        return
    person = services.workspace.person(owner_id)
    if person is None:
        raise InvalidActionItem("owner_unknown")
    if person.deleted:
        raise InvalidActionItem("owner_left", person.name)
    if person.is_bot:
        raise InvalidActionItem("owner_bot")


@dataclass(frozen=True)
class Added:
    """An action item on record, and what its announcement in the incident channel needs."""

    item: ActionItem
    view: IncidentView
    by: str


def add(services: Services, incident_id: int, draft: ActionDraft, by: str) -> ActionItem:
    added = record(services, incident_id, draft, by)
    announce(services, added)
    return added.item


def record(services: Services, incident_id: int, draft: ActionDraft, by: str) -> Added:
    """Check and store the item (before the ack); `announce` posts it (after)."""
    check_owner(services, draft.owner_id)
    now = services.clock.now()
    if draft.due_on is not None:
        try:
            check_due(draft.due_on, now.date())
        except ActionInputError as error:
            raise InvalidActionItem(error.problem, error.detail) from None
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        item = tx.add_action_item(
            NewActionItem(
                incident_id=incident_id,
                text=draft.text,
                created_by=by,
                created_at=now,
                owner_id=draft.owner_id,
                due_on=draft.due_on,
                priority=draft.priority,
                success_metric=draft.success_metric,
            )
        )
        _schedule(tx, item, now)
        view = services.view(tx, incident)
    return Added(item, view, by)


def announce(services: Services, added: Added) -> None:
    services.workspace.post_action_item(added.view, added.item, added.by)


def items(services: Services, incident_id: int) -> list[ActionItem]:
    with services.store.transaction() as tx:
        return tx.action_items(incident_id)


def set_state(services: Services, item_id: int, state: ActionState) -> ActionItem:
    """Done or reopened; reopening an overdue item restarts its daily reminders."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        item = tx.set_action_state(item_id, state, now if state is ActionState.DONE else None)
        if item is None:
            raise ActionItemNotFound(str(item_id))
        _schedule(tx, item, now)
    return item


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
    services.workspace.remind_action_owner(view, item, item.owner_id)


def _has_left(services: Services, user_id: str) -> bool:
    person = services.workspace.person(user_id)
    return person is None or person.deleted
