"""The timeline's repository: an incident's entries, as the scribe would keep them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.incident.models import EventKind, TimelineEvent


@dataclass(frozen=True)
class NewEvent:
    incident_id: int
    kind: EventKind
    text: str
    occurred_at: datetime
    actor_id: str | None = None
    actor_name: str | None = None
    message_ts: str | None = None
    permalink: str | None = None
    source: str = "auto"
    recorded_at: datetime | None = None
    """When the bot wrote it down; defaults to `occurred_at`, right for events happening now."""


class TimelineRepository(Protocol):
    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        """None when the same message is already on this incident's timeline."""
        ...

    def events(self, incident_id: int) -> list[TimelineEvent]: ...
    def event_for_message(self, incident_id: int, message_ts: str) -> TimelineEvent | None:
        """The entry recorded for this message, removed ones included."""
        ...

    def get_event(self, event_id: int) -> TimelineEvent | None: ...
    def update_event(self, event: TimelineEvent) -> TimelineEvent:
        """Write back text, time, kind, actor, permalink, source, edited and deleted_at."""
        ...

    def unfetched_captures(self, incident_id: int, limit: int) -> list[TimelineEvent]:
        """Captured entries still waiting for their message text."""
        ...

    def count_events(self, incident_id: int, kind: EventKind) -> int:
        """Entries of this kind still on the timeline (removed ones not counted)."""
        ...
