"""Writes `updates` and `commitments` rows directly, as the update flow does.

Resolution, metrics and postmortem tests only read these tables, so they set up exact histories
(a late update, a missed promise) without driving the update form and the clock through them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert

from incidentbot.cadence.commitment_rules import Commitment
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.store.sql import SqlStore
from incidentbot.store.tables import commitments, updates
from tests.support.memory import MemoryStore


def add_update(
    store: Any,
    incident_id: int,
    posted_at: datetime,
    *,
    author_id: str = "U001",
    status: str = "investigating",
    next_update_at: datetime | None = None,
    customer_text: str | None = None,
) -> None:
    with store.transaction() as tx:
        tx.add_event(
            NewEvent(
                incident_id=incident_id,
                kind=EventKind.UPDATE_POSTED,
                text=f"Update posted ({status})",
                occurred_at=posted_at,
                actor_id=author_id,
            )
        )
    values = {
        "incident_id": incident_id,
        "author_id": author_id,
        "posted_at": posted_at,
        "status": status,
        "severity": 1,
        "customer_text": customer_text,
        "next_update_at": next_update_at,
    }
    if isinstance(store, MemoryStore):
        row = Update.model_validate({"id": next(store.row_ids), **values})
        store.update_rows[row.id] = row
        return
    _insert(store, updates, values)


def add_commitment(
    store: Any,
    incident_id: int,
    due_at: datetime,
    state: str,
    *,
    made_at: datetime | None = None,
    source: str = "update",
    settled_at: datetime | None = None,
) -> None:
    values = {
        "incident_id": incident_id,
        "due_at": due_at,
        "made_by": None,
        "made_at": made_at or due_at,
        "source": source,
        "state": state,
        "settled_at": settled_at,
    }
    if isinstance(store, MemoryStore):
        row = Commitment.model_validate({"id": next(store.row_ids), **values})
        store.commitment_rows[row.id] = row
        return
    _insert(store, commitments, values)


def _insert(store: Any, table: Table, values: dict[str, Any]) -> None:
    assert isinstance(store, SqlStore)
    with store.transaction() as tx:
        tx.db.execute(insert(table).values(**values))


def add_nag(store: Any, incident_id: int, at: datetime, to: str = "U002") -> None:
    with store.transaction() as tx:
        tx.add_event(
            NewEvent(incident_id=incident_id, kind=EventKind.NAG, text=f"Reminded {to}", occurred_at=at)
        )
