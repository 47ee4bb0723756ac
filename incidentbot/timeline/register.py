"""The rows the timeline leaves: notes, 📌 marks and the fetch of a marked message."""

from __future__ import annotations

from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry
from incidentbot.timeline import capture, corrections, message_entries, notes


def register(registry: Registry) -> None:
    registry.add_command(notes.ADD_NOTE)
    registry.add_command(capture.MARK_MESSAGE)
    registry.add_delivery(OutboxKind.CAPTURE, capture.deliver_capture)
    registry.add_command(message_entries.SAVE_MESSAGE_ENTRY)
    registry.add_delivery(message_entries.MESSAGE_LINK, message_entries.deliver_message_link)
    registry.add_command(corrections.EDIT_ENTRY)
    registry.add_command(corrections.REMOVE_ENTRY)
