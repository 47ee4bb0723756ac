"""Adding a note the way `/incident note` does, for tests that start below the Slack layer."""

from __future__ import annotations

from incidentbot.incident.models import Incident
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.timeline import notes
from incidentbot.timeline.rules import ClockTime


def add_note(
    services: Services,
    incident: Incident,
    user_id: str,
    text: str,
    at: ClockTime | None = None,
    name: str | None = None,
) -> notes.NoteAdded:
    words = f"{at.hour:02d}:{at.minute:02d}:{at.second:02d} {text}" if at else text
    note = notes.AddNote(channel_id=incident.channel_id or "", user_id=user_id, user_name=name, words=words)
    return commands.execute(services, notes.ADD_NOTE, note, None)
