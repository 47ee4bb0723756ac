"""`/incident handoff @person <note>`: the commander hands command over, with what the next one needs.

A hand-over without context is how an incident loses its thread: the new commander inherits the
open promise (the next update) and the working state without knowing either. So the note is
required, and it reaches everyone who needs it: the channel, the new commander by DM, and the
timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from incidentbot.incident.models import EventKind, Incident, Role, RoleAssignment, TimelineEvent
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import (
    BotUser,
    IncidentClosed,
    IncidentError,
    NotAnIncidentChannel,
    OnlyCommanderHandsOver,
    UnknownUser,
)
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent, Person
from incidentbot.kernel.unit_of_work import UnitOfWork

KIND = "apply_handoff"
"""The journal row of a hand-over."""
POST = "handoff_post"
"""Invite the new commander and post the hand-over in the channel (`subject_id`: their assignment)."""
DM = "handoff_dm"
"""DM the new commander the note and the promise they now own (`subject_id`: their assignment)."""

SOURCE = "handoff"
"""How the hand-over note is recorded on the timeline (`timeline_events.source`)."""
NOTE_MAX = 1500
"""Room for a few lines of state; a section of a Slack message holds 3000 characters."""


class HandoffToCommander(IncidentError):
    """The person named already commands this incident; `detail` is their user id."""

    code = "handoff/to_commander"


class HandOff(Command):
    """`/incident handoff @person <note>` as typed (mentions resolved, Slack's escaping decoded)."""

    kind: ClassVar[str] = KIND
    channel_id: str
    new_commander: str
    note: str


@dataclass(frozen=True)
class HandedOver:
    incident: Incident
    new_commander: str
    previous: str | None
    """Who commanded before (None when nobody did)."""
    note: TimelineEvent


class NoteProblem(StrEnum):
    MISSING = "missing"
    TOO_LONG = "too_long"


def note_problem(note: str) -> NoteProblem | None:
    """What is wrong with a hand-over note, if anything: the listener says what to type instead."""
    if not note.strip():
        return NoteProblem.MISSING
    if len(note.strip()) > NOTE_MAX:
        return NoteProblem.TOO_LONG
    return None


def hand_off(uow: UnitOfWork, asked: HandOff) -> HandedOver:
    """Make the named person commander, record the note beside the change, and owe its messages."""
    # Asked of Slack before the incident is locked, so no other change to it waits on Slack.
    taking_over = _assignable(uow, asked.new_commander)
    by_name = _name(uow, asked.user_id)
    incident = _open_incident(uow, asked.channel_id)
    roster = uow.tx.roster(incident.id)
    if roster.commander == asked.new_commander:
        raise HandoffToCommander(asked.new_commander)
    # The same rule as `/incident role ic`: command is the commander's to give, and anyone's to
    # take up when nobody holds it.
    if not uow.policy.permissions.may_assign(roster, Role.COMMANDER, asked.user_id):
        raise OnlyCommanderHandsOver(roster.commander or "")
    at = asked.received_at or uow.now
    uow.tx.assign_role(incident.id, Role.COMMANDER, taking_over.id, asked.user_id, at)
    _record(uow, incident, EventKind.ROLE_ASSIGNED, asked, at, by_name, _role_text(uow, taking_over))
    note = _record(uow, incident, EventKind.NOTE, asked, at, by_name, asked.note.strip(), SOURCE)
    assignment = uow.tx.role_assignment_id(incident.id, Role.COMMANDER)
    assert assignment is not None, "assigned just above"
    uow.emit(POST, incident.id, assignment)
    uow.emit(DM, incident.id, assignment)
    uow.emit(OutboxKind.ROLE_CHECKLIST, incident.id, assignment)
    uow.emit_sync(incident.id)
    return HandedOver(incident, taking_over.id, roster.commander, note)


HAND_OFF = CommandHandler(HandOff, hand_off)


def handover_note(events: list[TimelineEvent], assignment: RoleAssignment) -> TimelineEvent | None:
    """The note recorded with this assignment: same instant, same person, the hand-over's source."""
    return next(
        (
            event
            for event in events
            if event.source == SOURCE
            and event.occurred_at == assignment.started_at
            and event.actor_id == assignment.assigned_by
        ),
        None,
    )


def _open_incident(uow: UnitOfWork, channel_id: str) -> Incident:
    incident = uow.tx.incident_by_channel(channel_id)
    if incident is None:
        raise NotAnIncidentChannel(channel_id)
    incident = uow.tx.get_incident(incident.id, for_update=True) or incident
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    return incident


def _assignable(uow: UnitOfWork, user_id: str) -> Person:
    """The person, or UnknownUser / BotUser; SlackUnavailable (retried later) when Slack can't say."""
    person = uow.people.person(user_id)
    if person is None or person.deleted:
        raise UnknownUser(user_id)
    if person.is_bot:
        raise BotUser(user_id)
    return person


def _role_text(uow: UnitOfWork, person: Person) -> str:
    # The same entry `/incident role ic` records, so the timeline and the postmortem read both alike.
    return f"{uow.policy.role_name(Role.COMMANDER)}: {person.name}"


def _record(
    uow: UnitOfWork,
    incident: Incident,
    kind: EventKind,
    asked: HandOff,
    at: datetime,
    by_name: str | None,
    text: str,
    source: str = "auto",
) -> TimelineEvent:
    event = uow.tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=kind,
            text=text,
            occurred_at=at,
            actor_id=asked.user_id,
            actor_name=by_name,
            source=source,
            recorded_at=uow.now,
        )
    )
    assert event is not None, "entries without a message ts never collide"
    return event


def _name(uow: UnitOfWork, user_id: str) -> str | None:
    person = uow.people.person(user_id)
    return person.name if person else None
