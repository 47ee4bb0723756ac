"""The one query shape every per-incident history shares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Table, select


def in_time_order(table: Table, incident_id: int, at: ColumnElement[Any]) -> Select[Any]:
    """One incident's rows of `table`, oldest first; rows with the same time stay in the order written."""
    return select(table).where(table.c.incident_id == incident_id).order_by(at, table.c.id)
