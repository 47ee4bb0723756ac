"""Timeline queries beyond adding and listing entries, mixed into `SqlTransaction`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, select, update

from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.store.tables import incidents, timeline_events
from incidentbot.timeline.rules import PENDING_TEXT, EventSource

_WRITABLE = ("occurred_at", "kind", "text", "actor_id", "actor_name", "source", "permalink", "edited")


class TimelineSql:
    db: Connection

    def event_for_message(self, incident_id: int, message_ts: str) -> TimelineEvent | None:
        row = self.db.execute(
            select(timeline_events).where(
                timeline_events.c.incident_id == incident_id, timeline_events.c.message_ts == message_ts
            )
        ).one_or_none()
        return timeline_event(row) if row else None

    def get_event(self, event_id: int) -> TimelineEvent | None:
        row = self.db.execute(select(timeline_events).where(timeline_events.c.id == event_id)).one_or_none()
        return timeline_event(row) if row else None

    def update_event(self, event: TimelineEvent) -> TimelineEvent:
        values: dict[str, Any] = {name: getattr(event, name) for name in _WRITABLE}
        values["kind"] = event.kind.value
        values["deleted_at"] = event.deleted_at
        row = self.db.execute(
            update(timeline_events)
            .where(timeline_events.c.id == event.id)
            .values(**values)
            .returning(timeline_events)
        ).one()
        return timeline_event(row)

    def unfetched_captures(self, incident_id: int, limit: int) -> list[TimelineEvent]:
        rows = self.db.execute(
            select(timeline_events)
            .where(
                timeline_events.c.incident_id == incident_id,
                timeline_events.c.source == EventSource.REACTION.value,
                timeline_events.c.text == PENDING_TEXT,
                timeline_events.c.deleted_at.is_(None),
            )
            .order_by(timeline_events.c.id)
            .limit(limit)
        )
        return [timeline_event(row) for row in rows]

    def teams_with_incident(self, number: int) -> list[str]:
        rows = self.db.execute(
            select(incidents.c.team_id).where(incidents.c.number == number).order_by(incidents.c.team_id)
        )
        return [str(team) for team in rows.scalars()]


def timeline_event(row: Row[Any]) -> TimelineEvent:
    data = dict(row._mapping)
    data["kind"] = EventKind(data["kind"])
    return TimelineEvent.model_validate({key: data[key] for key in TimelineEvent.model_fields if key in data})
