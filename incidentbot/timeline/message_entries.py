"""The "Add to timeline" form, submitted: a message's entry saved once, in the scribe's words."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.incident.events import TimelineEntryAdded
from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.timeline import service as timeline
from incidentbot.timeline.rules import PENDING_TEXT


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
    return saved


# The person is told the entry was saved; the link and check mark on the message come after.
SAVE_MESSAGE_ENTRY = CommandHandler(SaveMessageEntry, save_message_entry, tells_the_actor=False)
