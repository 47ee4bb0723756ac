"""Writes `updates` and `commitments` rows directly, as the update flow does.

Resolution, metrics and postmortem tests only read these tables, so they set up exact histories
(a late update, a missed promise) without driving the update form and the clock through them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from incidentbot.domain.metrics import CommitmentRecord, UpdateRecord
from incidentbot.domain.models import EventKind
from incidentbot.services.ports import NewEvent
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
    record = UpdateRecord(posted_at, author_id, status, next_update_at, customer_text)
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
    if isinstance(store, MemoryStore):
        store.wrap.updates.setdefault(incident_id, []).append(record)
        return
    assert isinstance(store, SqlStore)
    with store.transaction() as tx:
        tx.db.execute(
            insert(updates).values(
                incident_id=incident_id,
                author_id=author_id,
                posted_at=posted_at,
                status=status,
                severity=1,
                theory="",
                tried="",
                doing="",
                impact="",
                customer_text=customer_text,
                next_update_at=next_update_at,
            )
        )


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
    record = CommitmentRecord(due_at, made_at or due_at, source, state, settled_at)
    if isinstance(store, MemoryStore):
        store.wrap.commitments.setdefault(incident_id, []).append(record)
        return
    assert isinstance(store, SqlStore)
    with store.transaction() as tx:
        tx.db.execute(
            insert(commitments).values(
                incident_id=incident_id,
                due_at=due_at,
                made_at=record.made_at,
                source=source,
                state=state,
                settled_at=settled_at,
            )
        )


def add_nag(store: Any, incident_id: int, at: datetime, to: str = "U002") -> None:
    with store.transaction() as tx:
        tx.add_event(
            NewEvent(incident_id=incident_id, kind=EventKind.NAG, text=f"Reminded {to}", occurred_at=at)
        )
