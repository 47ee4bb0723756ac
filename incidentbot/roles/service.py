"""Assigning the incident commander, communications lead and scribe."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.incident.events import IncidentUpdated
from incidentbot.incident.models import EventKind, Incident, Role, RoleAssignment
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import (
    BotUser,
    IncidentClosed,
    IncidentNotFound,
    NotAnIncidentChannel,
    OnlyCommanderHandsOver,
    UnknownUser,
)
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, NewEvent, Person
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderNotYet, ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles import authority, messages
from incidentbot.roles.actors import uow_actor_name


def check_assignable(services: Services, user_id: str) -> Person:
    """The person, or UnknownUser / BotUser for someone who cannot hold a role."""
    person = services.workspace.person(user_id)
    if person is None or person.deleted:
        raise UnknownUser(user_id)
    if person.is_bot:
        raise BotUser(user_id)
    return person


class AssignRole(Command):
    """`/incident role <role> @person`, journalled before the ack."""

    kind: ClassVar[str] = JournalKind.ROLE
    channel_id: str
    role: Role
    assignee: str


def assign_role(uow: UnitOfWork, command: AssignRole) -> Incident:
    """Apply `/incident role …`, as of when it was typed."""
    incident = uow.tx.incident_by_channel(command.channel_id)
    if incident is None:
        raise NotAnIncidentChannel(command.channel_id)
    by, at = command.user_id, command.received_at
    return assign_in(uow, incident.id, command.role, command.assignee, by, at=at)


ASSIGN_ROLE = CommandHandler(AssignRole, assign_role)


class AssignChosenRoles(Command):
    """The roles form as submitted, journalled before the ack."""

    kind: ClassVar[str] = JournalKind.ROLES
    incident_id: int
    chosen: dict[Role, str | None]


def assign_chosen(uow: UnitOfWork, command: AssignChosenRoles) -> None:
    """Assign every role the form changed, all in one unit of work; Slack holding up one notice
    stops none of them (the messages are owed together and sent after the commit)."""
    current = uow.tx.roster(command.incident_id)
    for role, user_id in command.chosen.items():
        if user_id and user_id != current.holder(role):
            by, at = command.user_id, command.received_at
            assign_in(uow, command.incident_id, role, user_id, by, at=at)


ASSIGN_CHOSEN = CommandHandler(AssignChosenRoles, assign_chosen)


def assign_in(
    uow: UnitOfWork, incident_id: int, role: Role, user_id: str, by: str, *, at: datetime | None = None
) -> Incident:
    """Give `role` to `user_id`, relieve the previous holder, and owe everyone the news.

    The assignment is recorded with its messages (channel notice, checklist DM, summary sync).
    `at` is when it was asked, for a request applied later.
    """
    person = assignable(uow, user_id)
    tx, now = uow.tx, at or uow.now
    incident = tx.get_incident(incident_id)
    if incident is None:
        raise IncidentNotFound(str(incident_id))
    authority.require_member_in(uow, incident, by)
    by_name = uow_actor_name(uow, by)
    incident = tx.get_incident(incident_id, for_update=True) or incident
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    roster = tx.roster(incident.id)
    if roster.holder(role) == user_id:
        return incident
    if not uow.policy.permissions.may_assign(roster, role, by):
        raise OnlyCommanderHandsOver(roster.commander or "")
    tx.assign_role(incident.id, role, user_id, by, now)
    tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.ROLE_ASSIGNED,
            text=f"{uow.policy.role_name(role)}: {person.name}",
            occurred_at=now,
            actor_id=by,
            actor_name=by_name,
        )
    )
    assignment = tx.role_assignment_id(incident.id, role)
    assert assignment is not None
    uow.emit(OutboxKind.ROLE_NOTICE, incident.id, assignment)
    uow.emit(OutboxKind.ROLE_CHECKLIST, incident.id, assignment)
    uow.emit_sync(incident.id)
    uow.announce(IncidentUpdated(incident.id, changed="role", role=role.value, new=user_id, by=by))
    return incident


def assignable(uow: UnitOfWork, user_id: str) -> Person:
    """As `check_assignable`, while applying a command."""
    person = uow.people.person(user_id)
    if person is None or person.deleted:
        raise UnknownUser(user_id)
    if person.is_bot:
        raise BotUser(user_id)
    return person


def deliver_role_notice(services: Services, reminder: Reminder) -> None:
    """The `role_notice` outbox handler: invite the new holder, then say so in the channel."""
    assignment, view = _assignment(services, reminder)
    channel = view.incident.channel_id
    if channel is None:
        raise ReminderNotYet("the incident's channel is not set up yet")
    services.workspace.invite(channel, [assignment.user_id])
    messages.post_role_change(
        services.workspace, view, assignment.role, assignment.user_id, assignment.assigned_by
    )


def deliver_role_checklist(services: Services, reminder: Reminder) -> None:
    """The `role_checklist` outbox handler: the DM of what the role does."""
    assignment, view = _assignment(services, reminder)
    messages.send_checklist(services.workspace, view, assignment.role, assignment.user_id)


def _assignment(services: Services, reminder: Reminder) -> tuple[RoleAssignment, IncidentView]:
    with services.store.transaction() as tx:
        assignment = tx.role_assignment(reminder.subject_id or 0)
        incident = tx.get_incident(assignment.incident_id) if assignment else None
        if assignment is None or incident is None:
            raise ReminderObsolete
        return assignment, services.view(tx, incident)
