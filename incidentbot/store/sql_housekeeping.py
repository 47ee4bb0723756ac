"""SQL for housekeeping: deleting finished reminder rows and old event ids; `SqlTransaction` inherits it.

Each call deletes one bounded batch. The batch is chosen in a CTE, which PostgreSQL runs once
(an `IN (subquery … LIMIT)` may be run again and delete more than the limit), locked with
`SKIP LOCKED` so that two processes sweeping at once take different rows instead of waiting for
each other. A finished row never becomes pending again, so a row chosen stays removable. SQLite
has one writer at a time and no `DELETE … USING`, so there the batch is an `IN (subquery …
LIMIT)`, decided under the write lock.

No index was added: the search may use `ix_reminders_due (state, due_at)`, stops as soon as a
batch is full, and runs hourly. `processed_events` has only its primary key, so a sweep with
nothing to delete reads that table once: about 50 ms for a million ids on PostgreSQL, once an
hour, which does not justify an index on `received_at` that every event's insert would maintain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, delete, or_, select

from incidentbot.incident.models import SetupState
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.tables import incidents, processed_events, reminders

FINISHED = [ReminderState.DONE.value, ReminderState.CANCELLED.value]


class HousekeepingSql:
    db: Connection

    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        settled_incidents = select(incidents.c.id).where(
            incidents.c.resolved_at < resolved_before,
            incidents.c.setup_state == SetupState.READY.value,
        )
        removable = and_(
            reminders.c.state.in_(FINISHED),
            reminders.c.due_at < finished_before,
            _before_or_empty(reminders.c.fired_at, finished_before),
            _before_or_empty(reminders.c.claimed_until, finished_before),
            or_(reminders.c.incident_id.is_(None), reminders.c.incident_id.in_(settled_incidents)),
        )
        chosen = select(reminders.c.id).where(removable).limit(limit)
        return self._delete_chosen(reminders.c.id, chosen)

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        chosen = (
            select(processed_events.c.event_id)
            .where(processed_events.c.received_at < received_before)
            .limit(limit)
        )
        return self._delete_chosen(processed_events.c.event_id, chosen)

    def _delete_chosen(self, key: Any, chosen: Select[Any]) -> int:
        table = key.table
        if self.db.dialect.name == "postgresql":
            batch = chosen.with_for_update(skip_locked=True).cte("chosen")
            stmt = delete(table).where(key == batch.c[key.name])
        else:
            stmt = delete(table).where(key.in_(chosen.scalar_subquery()))
        # RETURNING counts on every driver; rowcount is not reliable for every statement shape.
        return len(self.db.execute(stmt.returning(key)).all())


def _before_or_empty(column: Any, moment: datetime) -> ColumnElement[bool]:
    return or_(column.is_(None), column < moment)
