"""SQL for the deliveries' repository (`kernel/delivery_ports.py`); `SqlTransaction` inherits it.

`processed_events` has only its primary key, so a sweep with nothing to delete reads that table
once: about 50 ms for a million ids on PostgreSQL, once an hour, which does not justify an index
on `received_at` that every event's insert would maintain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from incidentbot.store.rows import delete_chosen, dialect_insert
from incidentbot.store.tables import processed_events


class DeliveriesSql:
    db: Connection

    def first_delivery(self, event_id: str, at: datetime) -> bool:
        # RETURNING, not rowcount: psycopg 3 reports rowcount -1 here, which would read as "first".
        stmt = (
            dialect_insert(self.db)(processed_events)
            .values(event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
            .returning(processed_events.c.event_id)
        )
        return self.db.execute(stmt).scalar_one_or_none() is not None

    def forget_delivery(self, event_id: str) -> None:
        self.db.execute(delete(processed_events).where(processed_events.c.event_id == event_id))

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        chosen = (
            select(processed_events.c.event_id)
            .where(processed_events.c.received_at < received_before)
            .limit(limit)
        )
        return delete_chosen(self.db, processed_events.c.event_id, chosen)
