"""Webhook deliveries in SQL: one row per event and endpoint, one per attempt at it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased

from incidentbot.kernel.ports import Transaction
from incidentbot.store.tables import Id, UtcDateTime, metadata
from incidentbot.webhooks.ports import Attempt, Delivery, DeliveryState, DeliveryStore, NewDelivery

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("event_type", String(64), nullable=False),
    Column("endpoint", Text, nullable=False),
    # The order is kept per incident and endpoint; 0 stands for events of no incident.
    Column("incident_key", Id, nullable=False),
    Column("incident_id", ForeignKey("incidents.id", ondelete="SET NULL")),
    Column("incident_number", Integer),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(128)),
    Column("claimed_until", UtcDateTime),
    Index("ix_webhook_deliveries_stream", "state", "incident_key", "id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "delivery_id", ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("at", UtcDateTime, nullable=False),
    Column("status", Integer),
    Column("error", Text),
)

PENDING = DeliveryState.PENDING.value
CANDIDATES = 4
"""Heads read per delivery wanted: some belong to endpoints that already have their share."""


@contextmanager
def deliveries_in(store: Any) -> Iterator[DeliveryStore]:
    """The deliveries, in a transaction of their own on the bot's store."""
    with store.transaction() as tx:
        yield SqlDeliveries(tx)


class SqlDeliveries(DeliveryStore):
    def __init__(self, tx: Transaction) -> None:
        db = getattr(tx, "db", None)
        assert isinstance(db, Connection), "webhook deliveries live in the SQL store"
        self.db = db

    def add(self, new: NewDelivery) -> Delivery:
        values: dict[str, Any] = {
            "event_id": new.event_id,
            "event_type": new.event_type,
            "endpoint": new.endpoint,
            "incident_key": new.incident_id or 0,
            "incident_id": new.incident_id,
            "incident_number": new.incident_number,
            "body": new.body,
            "created_at": new.created_at,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": new.created_at,
        }
        row = self.db.execute(insert(webhook_deliveries).values(**values).returning(webhook_deliveries))
        return _delivery(row.one())

    def claim_heads(
        self,
        worker: str,
        now: datetime,
        until: datetime,
        limit: int,
        busy: Mapping[str, int],
        per_endpoint: int,
    ) -> list[Delivery]:
        d = webhook_deliveries
        candidates = self.db.execute(_HEADS, {"now": now, "candidates": limit * CANDIDATES}).all()
        taken_by = Counter(busy)
        claimed: list[Delivery] = []
        for delivery_id, endpoint in candidates:
            if len(claimed) >= limit or taken_by[endpoint] >= per_endpoint:
                continue
            taken = self.db.execute(
                update(d)
                .where(d.c.id == delivery_id, d.c.state == PENDING, _free(now))
                .values(claimed_by=worker, claimed_until=until)
                .returning(d)
            ).one_or_none()
            if taken is not None:
                claimed.append(_delivery(taken))
                taken_by[endpoint] += 1
        return claimed

    def record(
        self, delivery: Delivery, attempt: Attempt, state: DeliveryState, next_attempt_at: datetime
    ) -> bool:
        d = webhook_deliveries
        changed = self.db.execute(
            update(d)
            .where(d.c.id == delivery.id, d.c.claimed_by == delivery.claimed_by, d.c.state == PENDING)
            .values(
                state=state.value,
                attempts=d.c.attempts + 1,
                last_status=attempt.status,
                last_error=attempt.error,
                next_attempt_at=next_attempt_at,
                claimed_by=None,
                claimed_until=None,
            )
        ).rowcount
        if not changed:
            return False
        self.db.execute(
            insert(webhook_attempts).values(
                delivery_id=delivery.id, at=attempt.at, status=attempt.status, error=attempt.error
            )
        )
        return True

    def sent_since(self, incident_id: int, event_type: str, since: datetime) -> bool:
        """Whether an event of `event_type` about the incident was recorded at or after `since`."""
        query = select(webhook_deliveries.c.id).where(
            webhook_deliveries.c.incident_key == incident_id,
            webhook_deliveries.c.event_type == event_type,
            webhook_deliveries.c.created_at >= since,
        )
        return self.db.execute(query.limit(1)).first() is not None

    def deliveries(self, *, failed_only: bool, limit: int) -> list[Delivery]:
        query = select(webhook_deliveries).order_by(webhook_deliveries.c.id.desc()).limit(limit)
        if failed_only:
            query = query.where(
                or_(
                    webhook_deliveries.c.state == DeliveryState.FAILED.value,
                    and_(webhook_deliveries.c.state == PENDING, webhook_deliveries.c.attempts > 0),
                )
            )
        return [_delivery(row) for row in self.db.execute(query)]

    def delivery(self, delivery_id: int) -> Delivery | None:
        row = self.db.execute(
            select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        ).one_or_none()
        return None if row is None else _delivery(row)

    def redeliver(self, delivery_id: int, worker: str, now: datetime, until: datetime) -> Delivery | None:
        original = self.delivery(delivery_id)
        if original is None:
            return None
        copy = NewDelivery(
            event_id=original.event_id,
            event_type=original.event_type,
            endpoint=original.endpoint,
            incident_id=original.incident_id,
            incident_number=original.incident_number,
            body=original.body,
            created_at=now,
        )
        added = self.add(copy)
        d = webhook_deliveries
        taken = self.db.execute(
            update(d).where(d.c.id == added.id).values(claimed_by=worker, claimed_until=until).returning(d)
        ).one()
        return _delivery(taken)

    def attempts(self, delivery_id: int) -> list[Attempt]:
        query = (
            select(webhook_attempts)
            .where(webhook_attempts.c.delivery_id == delivery_id)
            .order_by(webhook_attempts.c.id)
        )
        return [Attempt(at=row.at, status=row.status, error=row.error) for row in self.db.execute(query)]


def delete_finished(tx: Transaction, before: datetime, limit: int) -> int:
    """Delete at most `limit` deliveries delivered or given up, recorded before `before` and not
    tried since (a redelivery is a row of its own); their attempts go with them. Returns how many."""
    d, a = webhook_deliveries, webhook_attempts
    tried_since = select(a.c.id).where(a.c.delivery_id == d.c.id, a.c.at >= before).exists()
    chosen = (
        select(d.c.id)
        .where(d.c.state != PENDING, d.c.created_at < before, ~tried_since)
        .order_by(d.c.id)
        .limit(limit)
    )
    db = getattr(tx, "db", None)
    if not isinstance(db, Connection):
        return 0  # a store without SQL (the in-memory one of the service tests) keeps no deliveries
    if db.dialect.name == "postgresql":
        batch = chosen.with_for_update(of=d, skip_locked=True).cte("chosen")
        stmt = delete(d).where(d.c.id == batch.c.id)
    else:
        stmt = delete(d).where(d.c.id.in_(chosen.scalar_subquery()))
    return len(db.execute(stmt.returning(d.c.id)).all())


def _heads() -> Any:
    """Due pending deliveries with no earlier pending one of their incident and endpoint, oldest first."""
    d, earlier = webhook_deliveries, aliased(webhook_deliveries)
    now: Any = bindparam("now")
    waiting_behind = (
        select(earlier.c.id)
        .where(
            earlier.c.state == PENDING,
            earlier.c.incident_key == d.c.incident_key,
            earlier.c.endpoint == d.c.endpoint,
            earlier.c.id < d.c.id,
        )
        .exists()
    )
    return (
        select(d.c.id, d.c.endpoint)
        .where(d.c.state == PENDING, d.c.next_attempt_at <= now, _free(now), ~waiting_behind)
        .order_by(d.c.id)
        .limit(bindparam("candidates"))
    )


def _free(now: Any) -> Any:
    claimed_until = webhook_deliveries.c.claimed_until
    return or_(claimed_until.is_(None), claimed_until < now)


_HEADS = _heads()
"""Built once: the claim runs many times a second under load."""


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id,
        event_id=row.event_id,
        event_type=row.event_type,
        endpoint=row.endpoint,
        incident_id=row.incident_id,
        incident_number=row.incident_number,
        body=row.body,
        created_at=row.created_at,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        last_status=row.last_status,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        claimed_by=row.claimed_by,
    )
