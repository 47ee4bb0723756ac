"""SQL for the timeline's repository (`timeline/ports.py`); `SqlTransaction` inherits it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, func, select, update

from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.store.rows import dialect_insert
from incidentbot.store.tables import timeline_events
from incidentbot.timeline.ports import NewEvent
from incidentbot.timeline.rules import PENDING_TEXT, EventSource

_WRITABLE = ("occurred_at", "kind", "text", "actor_id", "actor_name", "source", "permalink", "edited")


class TimelineSql:
    db: Connection

    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        values = {
            "incident_id": event.incident_id,
            "occurred_at": event.occurred_at,
            "kind": event.kind.value,
            "text": event.text,
            "actor_id": event.actor_id,
            "actor_name": event.actor_name,
            "source": event.source,
            "message_ts": event.message_ts,
            "permalink": event.permalink,
            "recorded_at": event.recorded_at or event.occurred_at,
        }
        stmt = dialect_insert(self.db)(timeline_events).values(**values)
        if event.message_ts is not None:
            stmt = stmt.on_conflict_do_nothing(
                index_elements=[timeline_events.c.incident_id, timeline_events.c.message_ts]
            )
        row = self.db.execute(stmt.returning(timeline_events)).one_or_none()
        return timeline_event(row) if row else None

    def events(self, incident_id: int) -> list[TimelineEvent]:
        rows = self.db.execute(
            select(timeline_events)
            .where(timeline_events.c.incident_id == incident_id, timeline_events.c.deleted_at.is_(None))
            .order_by(timeline_events.c.occurred_at, timeline_events.c.id)
        )
        return [timeline_event(row) for row in rows]

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

    def count_events(self, incident_id: int, kind: EventKind) -> int:
        query = select(func.count()).where(
            timeline_events.c.incident_id == incident_id,
            timeline_events.c.kind == kind.value,
            timeline_events.c.deleted_at.is_(None),
        )
        return int(self.db.execute(query).scalar_one())


def timeline_event(row: Row[Any]) -> TimelineEvent:
    data = dict(row._mapping)
    data["kind"] = EventKind(data["kind"])
    return TimelineEvent.model_validate({key: data[key] for key in TimelineEvent.model_fields if key in data})
