"""`/incident note …`: a line on the timeline, now or at a clock time the person typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from incidentbot.incident.events import TimelineEntryAdded
from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import NotAnIncidentChannel, SlackUnavailable
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.timeline.rules import EventSource, NoteRefused, on_today, parse_note, zone
from incidentbot.timeline.service import TimeInFuture


class AddNote(Command):
    """`/incident note …` as typed (Slack's escaping already decoded)."""

    kind: ClassVar[str] = JournalKind.NOTE
    channel_id: str
    user_name: str | None = None
    words: str


@dataclass(frozen=True)
class NoteAdded:
    incident: Incident
    event: TimelineEvent
    zone_name: str
    local_time: datetime
    """The entry's time in the zone the person's clock time was read in."""
    zone_from_slack: bool = False
    """The zone is the one Slack gave for the person; otherwise UTC stood in for it."""


def add_note(uow: UnitOfWork, note: AddNote) -> NoteAdded:
    """Record the note as of when it was typed, or at the clock time it names (today, their zone)."""
    parsed = parse_note(note.words)
    if isinstance(parsed, NoteRefused):
        raise ReminderObsolete(f"a note was refused: {parsed.problem}")
    incident = uow.tx.incident_by_channel(note.channel_id)
    if incident is None:
        raise NotAnIncidentChannel(note.channel_id)
    now = note.received_at or uow.now
    slack_zone = _person_tz(uow, note.user_id) if parsed.at else None
    tz, zone_name = zone(slack_zone)
    occurred_at = now if parsed.at is None else on_today(parsed.at, now, tz)
    if occurred_at > now:
        raise TimeInFuture(f"{parsed.at} {zone_name}")
    event = uow.tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.NOTE,
            text=parsed.text.strip(),
            occurred_at=occurred_at,
            actor_id=note.user_id,
            actor_name=note.user_name or _name(uow, note.user_id),
            source=EventSource.NOTE,
            recorded_at=now,
        )
    )
    assert event is not None, "notes carry no message ts, so they never collide"
    uow.announce(TimelineEntryAdded(incident.id, entry_id=event.id, kind=event.kind.value, text=event.text))
    # A person whose Slack zone is UTC was read in UTC as asked, not for want of a zone.
    return NoteAdded(incident, event, zone_name, occurred_at.astimezone(tz), zone_name == slack_zone)


ADD_NOTE = CommandHandler(AddNote, add_note, tells_the_actor=False)


def _person_tz(uow: UnitOfWork, user_id: str) -> str | None:
    try:
        person = uow.people.person(user_id)
    except SlackUnavailable:
        return None
    return person.tz if person else None


def _name(uow: UnitOfWork, user_id: str) -> str | None:
    """The person's name; None when Slack cannot say right now (the id is kept either way)."""
    try:
        person = uow.people.person(user_id)
    except SlackUnavailable:
        return None
    return person.name if person else None
