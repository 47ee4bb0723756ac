"""What the SQL modules share: the dialect's INSERT, per-incident history queries, the incident's row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from incidentbot.incident.models import Incident, SetupState, Severity, Status


def dialect_insert(db: Connection) -> Any:
    """The INSERT of the connection's dialect, which has `on_conflict_do_…` on both."""
    return postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert


def in_time_order(table: Table, incident_id: int, at: ColumnElement[Any]) -> Select[Any]:
    """One incident's rows of `table`, oldest first; rows with the same time stay in the order written."""
    return select(table).where(table.c.incident_id == incident_id).order_by(at, table.c.id)


def incident_from_row(row: Row[Any]) -> Incident:
    data = dict(row._mapping)
    data["severity"] = Severity(data["severity"])
    data["status"] = Status(data["status"])
    data["setup_state"] = SetupState(data["setup_state"])
    return Incident.model_validate(data)


def delete_chosen(db: Connection, key: Any, chosen: Select[Any]) -> int:
    """Delete the rows `chosen` selects by their `key`, one bounded batch; returns how many.

    The batch is chosen in a CTE, which PostgreSQL runs once (an `IN (subquery … LIMIT)` may be
    run again and delete more than the limit), locked with `SKIP LOCKED` so that two processes
    sweeping at once take different rows instead of waiting for each other. SQLite has one writer
    at a time and no `DELETE … USING`, so there the batch is an `IN (subquery … LIMIT)`, decided
    under the write lock.
    """
    table = key.table
    if db.dialect.name == "postgresql":
        batch = chosen.with_for_update(skip_locked=True).cte("chosen")
        stmt = delete(table).where(key == batch.c[key.name])
    else:
        stmt = delete(table).where(key.in_(chosen.scalar_subquery()))
    # RETURNING counts on every driver; rowcount is not reliable for every statement shape.
    return len(db.execute(stmt.returning(key)).all())
