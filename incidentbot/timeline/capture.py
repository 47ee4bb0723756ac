"""Capturing channel messages marked with the timeline reaction.

A reaction event is journalled before it is acknowledged, as the `MarkMessage` command, and
applied just after by `mark_message`, in one unit of work with its event id: the entry (its time
from the ts, its author from `item_user`, a placeholder text) and an outbox row (`capture`) that
fetches the message from Slack afterwards and fills the entry in. So a process that dies after
the acknowledgement leaves the journal row, then the capture row, for the scheduler, and Slack's
retries of the event, which arrive on any replica, add nothing. When Slack will not hand the
message over, the row is retried until it does; the next capture in the same incident, or the
next look at the timeline, also fills in entries still waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import model_validator

from incidentbot.incident.events import TimelineEntryAdded
from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.kernel import commands, outbox
from incidentbot.kernel.commands import Command, CommandHandler, unit_of_work
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import ChannelMessage, NewEvent, Transaction
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles.actors import actor_name
from incidentbot.timeline.rules import PENDING_TEXT, EventSource, ts_to_datetime

REFETCH_PER_CAPTURE = 5


class Outcome(StrEnum):
    CAPTURED = "captured"
    PENDING = "pending"
    GONE = "gone"
    NOT_INCIDENT = "not_incident"


@dataclass(frozen=True)
class Capture:
    outcome: Outcome
    incident: Incident | None = None
    event: TimelineEvent | None = None


@dataclass(frozen=True)
class Marked:
    """A reaction on a message: where, by whom, and whose message the event says it is."""

    channel_id: str
    ts: str
    reactor: str
    item_user: str | None = None


class MarkMessage(Command):
    """A `reaction_added` with the timeline reaction, journalled before the ack; `user_id` marked it.

    Rows written by earlier versions name the person `reactor` (`MarkRequest`); they replay as this.
    """

    kind: ClassVar[str] = JournalKind.MARK
    channel_id: str
    ts: str
    item_user: str | None = None
    event_id: str | None = None
    """Slack's id of the event, claimed in the unit of work that records the mark."""

    @model_validator(mode="before")
    @classmethod
    def _reactor_is_who_asked(cls, data: Any) -> Any:
        if isinstance(data, dict) and "user_id" not in data and "reactor" in data:
            return {**data, "user_id": data["reactor"]}
        return data


def mark_message(uow: UnitOfWork, asked: MarkMessage) -> Reminder | None:
    """Record the marked message and owe its capture; None for a repeated event or another channel.

    The event id is claimed in the same transaction, so a process that dies before committing
    leaves the journalled request (or Slack's retry) to record it, and one that committed has
    recorded everything.
    """
    now = asked.received_at or uow.now
    if asked.event_id is not None and not uow.tx.first_delivery(asked.event_id, now):
        return None
    incident = uow.tx.incident_by_channel(asked.channel_id)
    if incident is None:
        return None
    entry = _marked_entry(
        uow.tx, incident, Marked(asked.channel_id, asked.ts, asked.user_id, asked.item_user), now
    )
    # Due as of the mark, so a replayed one is fetched at once rather than held for a caller.
    return uow.emit_queued(outbox.enqueue(uow.tx, OutboxKind.CAPTURE, incident.id, entry.id, now))


def _sent_by_the_marker(services: Services, rows: list[Reminder]) -> None:
    """The capture is sent by the listener that applied the mark (`capture_now`, which tells the
    person how it went), or by the scheduler after a replay: nothing to send here."""


MARK_MESSAGE = CommandHandler(MarkMessage, mark_message, tells_the_actor=False, send=_sent_by_the_marker)


def mark(services: Services, marked: Marked, event_id: str | None) -> Reminder | None:
    """Apply a mark here and now (no journal row); its capture row, or None (repeat, other channel)."""
    asked = MarkMessage(
        channel_id=marked.channel_id,
        ts=marked.ts,
        user_id=marked.reactor,
        item_user=marked.item_user,
        event_id=event_id,
    )
    return commands.execute(services, MARK_MESSAGE, asked, None)


def capture(services: Services, marked: Marked, event_id: str | None = None) -> Capture:
    """`mark`, then `capture_now`: the whole capture in the caller's thread."""
    row = mark(services, marked, event_id)
    return capture_now(services, row) if row is not None else Capture(Outcome.NOT_INCIDENT)


def capture_now(services: Services, row: Reminder) -> Capture:
    """Send a `capture` row at once and say how it went, for the person who marked the message."""
    held = outbox.send_now(services, [row])
    with services.store.transaction() as tx:
        entry = tx.get_event(row.subject_id or 0)
        incident = tx.get_incident(row.incident_id or 0)
    if held:
        return Capture(Outcome.PENDING, incident, entry)
    if entry is None or (entry.deleted_at is not None and entry.text == PENDING_TEXT):
        return Capture(Outcome.GONE, incident)
    return Capture(Outcome.CAPTURED, incident, entry)


def deliver_capture(services: Services, reminder: Reminder) -> None:
    """Outbox handler: fill the marked entry in from Slack and put the check mark on the message.

    A message deleted in the meantime takes its entry with it. While Slack will not give the
    message, the entry keeps what the reaction said and takes the author's name, and the row is
    retried (`SlackUnavailable`).
    """
    with services.store.transaction() as tx:
        entry = tx.get_event(reminder.subject_id or 0)
        incident = tx.get_incident(entry.incident_id) if entry else None
    if entry is None or incident is None or incident.channel_id is None or entry.message_ts is None:
        raise ReminderObsolete
    if entry.deleted_at is not None:
        raise ReminderObsolete  # The reaction was taken off before the message was fetched.
    refetch_unfetched(services, incident, skip=entry.id)
    channel, ts = incident.channel_id, entry.message_ts
    if entry.text == PENDING_TEXT:
        try:
            message = services.workspace.message(channel, ts)
        except SlackUnavailable:
            _name_the_author(services, entry)
            _confirm(services, channel, ts)  # It is on the timeline already, text to follow.
            raise
        permalink = _permalink(services, channel, ts) if message is not None else None
        with services.store.transaction() as tx:
            if message is None:
                tx.update_event(entry.model_copy(update={"deleted_at": services.clock.now()}))
                return
            _fill(services, tx, entry, message, permalink)
    _confirm(services, channel, ts)


def release(services: Services, channel_id: str, ts: str) -> TimelineEvent | None:
    """The last timeline reaction is gone: remove the entry it made. Returns the removed entry."""
    incident = _incident_of(services, channel_id)
    if incident is None:
        return None
    with services.store.transaction() as tx:
        existing = tx.event_for_message(incident.id, ts)
    if existing is None or existing.deleted_at is not None or existing.source != EventSource.REACTION:
        return None  # Entries saved through the shortcut stay until a commander or scribe removes them.
    try:
        if services.workspace.timeline_reactions(channel_id, ts) > 0:
            return None
    except SlackUnavailable:
        return None  # Unsure whether someone still marks it: keeping the entry loses nothing.
    with services.store.transaction() as tx:
        removed = tx.update_event(existing.model_copy(update={"deleted_at": services.clock.now()}))
    try:
        services.workspace.unmark_captured(channel_id, ts)
    except SlackUnavailable:
        pass
    return removed


def message_edited(
    services: Services, channel_id: str, ts: str, now_reads: Callable[[], ChannelMessage]
) -> TimelineEvent | None:
    """A captured message changed: the entry keeps what was captured and is marked edited.

    An entry still waiting for its text takes the message as it reads now (`now_reads()`) instead.
    """
    incident = _incident_of(services, channel_id)
    if incident is None:
        return None
    with services.store.transaction() as tx:
        existing = tx.event_for_message(incident.id, ts)
        if existing is None or existing.deleted_at is not None:
            return None
        if existing.text == PENDING_TEXT:
            return tx.update_event(_filled_in(existing, now_reads(), existing.permalink))
        if existing.edited:
            return existing
        return tx.update_event(existing.model_copy(update={"edited": True}))


def refetch_unfetched(services: Services, incident: Incident, skip: int | None = None) -> int:
    """Fill in entries captured while Slack would not give their text. Returns how many were settled."""
    if incident.channel_id is None:
        return 0
    with services.store.transaction() as tx:
        waiting = tx.unfetched_captures(incident.id, REFETCH_PER_CAPTURE)
    settled = 0
    for entry in (e for e in waiting if e.id != skip):
        assert entry.message_ts is not None
        try:
            message = services.workspace.message(incident.channel_id, entry.message_ts)
        except SlackUnavailable:
            break  # Still unavailable: try again at the next capture.
        permalink = entry.permalink or _permalink(services, incident.channel_id, entry.message_ts)
        with services.store.transaction() as tx:
            if message is None:
                tx.update_event(entry.model_copy(update={"deleted_at": services.clock.now()}))
            else:
                _fill(services, tx, entry, message, permalink)
        settled += 1
    return settled


def _fill(
    services: Services, tx: Transaction, entry: TimelineEvent, message: ChannelMessage, permalink: str | None
) -> None:
    """Give a marked entry its message's text: only now is it an entry others hear of."""
    filled = tx.update_event(_filled_in(entry, message, permalink))
    kind, text = filled.kind.value, filled.text
    added = TimelineEntryAdded(filled.incident_id, entry_id=filled.id, kind=kind, text=text)
    unit_of_work(services, tx, services.clock.now()).announce(added)


def _incident_of(services: Services, channel_id: str) -> Incident | None:
    with services.store.transaction() as tx:
        return tx.incident_by_channel(channel_id)


def _marked_entry(tx: Transaction, incident: Incident, marked: Marked, now: datetime) -> TimelineEvent:
    """The message's entry: as recorded, back from removal, or new with what the event says."""
    existing = tx.event_for_message(incident.id, marked.ts)
    if existing is not None and existing.deleted_at is None:
        return existing  # Marked again, or by someone else: one message, one entry.
    occurred_at = ts_to_datetime(marked.ts) or now
    if existing is not None:
        return tx.update_event(
            existing.model_copy(
                update={
                    "kind": EventKind.OTHER,
                    "text": PENDING_TEXT,
                    "occurred_at": occurred_at,
                    "actor_id": marked.item_user,
                    "actor_name": None,
                    "permalink": None,
                    "source": EventSource.REACTION,
                    "edited": False,
                    "deleted_at": None,
                    "recorded_at": now,
                }
            )
        )
    new = NewEvent(
        incident_id=incident.id,
        kind=EventKind.OTHER,
        text=PENDING_TEXT,
        occurred_at=occurred_at,
        actor_id=marked.item_user,
        message_ts=marked.ts,
        source=EventSource.REACTION,
        recorded_at=now,
    )
    added = tx.add_event(new)
    if added is None:  # Another marking of this message committed first.
        found = tx.event_for_message(incident.id, marked.ts)
        assert found is not None, "add_event only skips a message already recorded"
        return found
    return added


def _name_the_author(services: Services, entry: TimelineEvent) -> None:
    if entry.actor_name or not entry.actor_id:
        return
    name = actor_name(services, entry.actor_id)
    if name:
        with services.store.transaction() as tx:
            tx.update_event(entry.model_copy(update={"actor_name": name}))


def _filled_in(entry: TimelineEvent, message: ChannelMessage, permalink: str | None) -> TimelineEvent:
    return entry.model_copy(
        update={
            "text": message.text.strip(),
            "actor_id": message.author_id or entry.actor_id,
            "actor_name": message.author_name or entry.actor_name,
            "permalink": permalink,
        }
    )


def _permalink(services: Services, channel_id: str, ts: str) -> str | None:
    try:
        return services.workspace.permalink(channel_id, ts)
    except SlackUnavailable:
        return None


def _confirm(services: Services, channel_id: str, ts: str) -> None:
    try:
        services.workspace.mark_captured(channel_id, ts)
    except SlackUnavailable:
        pass  # The entry is recorded; the check mark is only a courtesy.
