"""What the SQL modules share: the shape of per-incident history queries, the incident's row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Table, select

from incidentbot.incident.models import Incident, SetupState, Severity, Status


def in_time_order(table: Table, incident_id: int, at: ColumnElement[Any]) -> Select[Any]:
    """One incident's rows of `table`, oldest first; rows with the same time stay in the order written."""
    return select(table).where(table.c.incident_id == incident_id).order_by(at, table.c.id)


def incident_from_row(row: Row[Any]) -> Incident:
    data = dict(row._mapping)
    data["severity"] = Severity(data["severity"])
    data["status"] = Status(data["status"])
    data["setup_state"] = SetupState(data["setup_state"])
    return Incident.model_validate(data)
