"""In-memory timeline for `MemoryStore` (`timeline/ports.py`; the SQL store's is
`store/sql_timeline.py`)."""

from __future__ import annotations

from collections.abc import Iterator

from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.timeline.ports import NewEvent
from incidentbot.timeline.rules import PENDING_TEXT, EventSource

EDITABLE = (
    "occurred_at",
    "kind",
    "text",
    "actor_id",
    "actor_name",
    "source",
    "permalink",
    "edited",
    "deleted_at",
)
"""What `update_event` writes back; an entry's incident, message and recording time stay."""


class MemoryTimeline:
    """Mixed into MemoryStore, whose `timeline` and `ids` these are."""

    timeline: list[TimelineEvent]
    ids: Iterator[int]

    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        if event.message_ts and any(
            e.incident_id == event.incident_id and e.message_ts == event.message_ts for e in self.timeline
        ):
            return None
        fields = {k: getattr(event, k) for k in TimelineEvent.model_fields if hasattr(event, k)}
        fields["recorded_at"] = event.recorded_at or event.occurred_at
        recorded = TimelineEvent(id=next(self.ids), **fields)
        self.timeline.append(recorded)
        return recorded

    def events(self, incident_id: int) -> list[TimelineEvent]:
        return sorted(
            (e for e in self.timeline if e.incident_id == incident_id and e.deleted_at is None),
            key=lambda e: (e.occurred_at, e.id),
        )

    def event_for_message(self, incident_id: int, message_ts: str) -> TimelineEvent | None:
        return next(
            (e for e in self.timeline if e.incident_id == incident_id and e.message_ts == message_ts), None
        )

    def get_event(self, event_id: int) -> TimelineEvent | None:
        return next((e for e in self.timeline if e.id == event_id), None)

    def update_event(self, event: TimelineEvent) -> TimelineEvent:
        index = next(i for i, e in enumerate(self.timeline) if e.id == event.id)
        written = {name: getattr(event, name) for name in EDITABLE}
        self.timeline[index] = self.timeline[index].model_copy(update=written)
        return self.timeline[index]

    def unfetched_captures(self, incident_id: int, limit: int) -> list[TimelineEvent]:
        waiting = [
            e
            for e in self.timeline
            if e.incident_id == incident_id
            and e.source == EventSource.REACTION
            and e.text == PENDING_TEXT
            and e.deleted_at is None
        ]
        return waiting[:limit]

    def count_events(self, incident_id: int, kind: EventKind) -> int:
        return sum(
            1
            for e in self.timeline
            if e.incident_id == incident_id and e.kind == kind and e.deleted_at is None
        )
