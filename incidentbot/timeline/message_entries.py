"""The "Add to timeline" form, submitted: a message's entry saved once, in the scribe's words.

Saving it owes the entry its message's permalink and the message its check mark
(`MESSAGE_LINK`, an outbox row written with the entry), so a process killed after the save
still links the message, once, when the row is retried.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.incident.events import TimelineEntryAdded
from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.timeline import service as timeline
from incidentbot.timeline.rules import PENDING_TEXT

MESSAGE_LINK = "message_entry_link"
"""The outbox row that gives a saved entry its message's permalink and puts the check mark on
the message (`subject_id` is the entry; its payload, the message's channel)."""


class SaveMessageEntry(Command):
    """The form as submitted (already checked field by field); `channel_id` is the message's."""

    kind: ClassVar[str] = JournalKind.MESSAGE_ENTRY
    channel_id: str
    incident_id: int
    message_ts: str
    text: str
    occurred_at: datetime
    entry_kind: EventKind
    author_id: str | None = None
    author_name: str | None = None

    def entry(self) -> timeline.MessageEntry:
        return timeline.MessageEntry(
            incident_id=self.incident_id,
            channel_id=self.channel_id,
            message_ts=self.message_ts,
            text=self.text,
            occurred_at=self.occurred_at,
            kind=self.entry_kind,
            author_id=self.author_id,
            author_name=self.author_name,
        )


def save_message_entry(uow: UnitOfWork, command: SaveMessageEntry) -> TimelineEvent:
    """One entry per message, as of when the form was sent (see `service.upsert_message_entry`)."""
    now = command.received_at or uow.now
    if command.occurred_at > now:
        raise timeline.TimeInFuture(command.occurred_at.strftime("%H:%M UTC"))
    before = uow.tx.event_for_message(command.incident_id, command.message_ts)
    saved = timeline.upsert_message_entry(uow.tx, command.entry(), now)
    # A rewording of an entry already on the timeline (📌 or an earlier save) is no new entry.
    if before is None or before.deleted_at is not None or before.text == PENDING_TEXT:
        kind, text = saved.kind.value, saved.text
        added = TimelineEntryAdded(saved.incident_id, entry_id=saved.id, kind=kind, text=text)
        uow.announce(added)
    uow.emit(MESSAGE_LINK, saved.incident_id, saved.id, command.channel_id)
    return saved


def deliver_message_link(services: Services, row: Reminder) -> None:
    """Link the entry to its message and mark the message, as the entry is when sent."""
    with services.store.transaction() as tx:
        entry = tx.get_event(row.subject_id or 0)
    if entry is None or entry.message_ts is None or not row.payload:
        raise ReminderObsolete(f"timeline entry {row.subject_id} is gone")
    timeline.link_message(services, entry, row.payload)


# The person is told the entry was saved; the link and check mark on the message come with it
# when Slack takes them, else when the outbox row is retried.
SAVE_MESSAGE_ENTRY = CommandHandler(SaveMessageEntry, save_message_entry, tells_the_actor=False)
