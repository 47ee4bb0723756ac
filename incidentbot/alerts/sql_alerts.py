"""Alert groups in SQL: one row per triage message, one per alert within it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    ForeignKey,
    Integer,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from incidentbot.alerts.model import AlertState, Links, Source
from incidentbot.alerts.ports import AlertGroup, AlertRepository, NewGroup, key_hash
from incidentbot.kernel.ports import Transaction
from incidentbot.store.tables import Id, UtcDateTime, metadata

alert_groups = Table(
    "alert_groups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, index=True),
    # The key while the group takes its alerts; NULL once closed, so the key may start another.
    Column("open_key", String(64), unique=True),
    Column("group_key", Text, nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("labels", JSON, nullable=False),
    Column("links", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("received", Integer, nullable=False, default=0),
    Column("firing", Integer, nullable=False, default=0),
    Column("message_ts", String(32)),
    Column("message_link", Text),
    Column("incident_id", ForeignKey("incidents.id", ondelete="SET NULL"), index=True),
    Column("dismissed_by", String(32)),
    Column("dismissed_reason", Text),
)

alert_states = Table(
    "alert_states",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("group_id", ForeignKey("alert_groups.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(255), nullable=False),
    Column("state", String(16), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    UniqueConstraint("group_id", "fingerprint", name="uq_alert_states_group_fingerprint"),
)


class SqlAlerts(AlertRepository):
    def __init__(self, tx: Transaction) -> None:
        db = getattr(tx, "db", None)
        assert isinstance(db, Connection), "alert groups live in the SQL store"
        self.db = db

    def _insert(self) -> Any:
        return postgresql.insert if self.db.dialect.name == "postgresql" else sqlite.insert

    def open_group(self, source: Source, group_key: str) -> AlertGroup | None:
        hashed = key_hash(source, group_key)
        query = select(alert_groups).where(alert_groups.c.open_key == hashed)
        if self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        else:
            # SQLite starts a transaction at the first write: one first, so two batches of a group
            # take turns and neither counts from a stale read (writers queue on its one lock).
            self.db.execute(
                update(alert_groups).where(alert_groups.c.open_key == hashed).values(open_key=hashed)
            )
        row = self.db.execute(query).one_or_none()
        return _group(row) if row else None

    def start_group(self, new: NewGroup) -> AlertGroup:
        hashed = key_hash(new.source, new.group_key)
        stmt = (
            self._insert()(alert_groups)
            .values(
                source=new.source.value,
                key_hash=hashed,
                open_key=hashed,
                group_key=new.group_key,
                channel_id=new.channel_id,
                title=new.title,
                summary=new.summary,
                labels=new.labels,
                links=new.links.model_dump(mode="json"),
                state=AlertState.FIRING.value,
                first_seen=new.first_seen,
                last_seen=new.first_seen,
                received=0,
                firing=0,
            )
            .on_conflict_do_nothing(index_elements=[alert_groups.c.open_key])
        )
        self.db.execute(stmt)
        started = self.open_group(new.source, new.group_key)
        assert started is not None, "the group was just started, here or by another transaction"
        return started

    def group(self, group_id: int) -> AlertGroup | None:
        row = self.db.execute(select(alert_groups).where(alert_groups.c.id == group_id)).one_or_none()
        return _group(row) if row else None

    def save_group(self, group: AlertGroup) -> None:
        self.db.execute(
            update(alert_groups)
            .where(alert_groups.c.id == group.id)
            .values(
                state=group.state.value,
                last_seen=group.last_seen,
                received=group.received,
                firing=group.firing,
                message_ts=group.message_ts,
                incident_id=group.incident_id,
                dismissed_by=group.dismissed_by,
                dismissed_reason=group.dismissed_reason,
            )
        )

    def set_message(self, group_id: int, ts: str, link: str | None = None) -> None:
        self.db.execute(
            update(alert_groups).where(alert_groups.c.id == group_id).values(message_ts=ts, message_link=link)
        )

    def close_group(self, group_id: int) -> None:
        self.db.execute(update(alert_groups).where(alert_groups.c.id == group_id).values(open_key=None))

    def record_alert(self, group_id: int, fingerprint: str, state: AlertState, at: datetime) -> bool:
        same = (alert_states.c.group_id == group_id) & (alert_states.c.fingerprint == fingerprint)
        recorded = self.db.execute(
            select(alert_states.c.state, alert_states.c.changed_at).where(same)
        ).one_or_none()
        before = recorded.state if recorded else None
        # Batches may be applied out of order (several threads, the scheduler): an older state
        # than the one recorded is stale, not a change.
        if before == state.value or (recorded is not None and at < recorded.changed_at):
            return False
        if before is None:
            self.db.execute(
                alert_states.insert().values(
                    group_id=group_id, fingerprint=fingerprint, state=state.value, changed_at=at
                )
            )
            return state is AlertState.FIRING
        self.db.execute(update(alert_states).where(same).values(state=state.value, changed_at=at))
        return True

    def firing(self, group_id: int) -> int:
        # Counted by the database: a group of hundreds of alerts is one number, not hundreds of rows.
        return int(
            self.db.execute(
                select(func.count()).where(
                    alert_states.c.group_id == group_id, alert_states.c.state == AlertState.FIRING.value
                )
            ).scalar_one()
        )

    def groups_of_incident(self, incident_id: int) -> list[AlertGroup]:
        rows = self.db.execute(
            select(alert_groups).where(alert_groups.c.incident_id == incident_id).order_by(alert_groups.c.id)
        )
        return [_group(row) for row in rows]


def _group(row: Row[Any]) -> AlertGroup:
    return AlertGroup(
        id=row.id,
        source=Source(row.source),
        key_hash=row.key_hash,
        group_key=row.group_key,
        channel_id=row.channel_id,
        title=row.title,
        summary=row.summary,
        labels=row.labels,
        links=Links.model_validate(row.links),
        state=AlertState(row.state),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        received=row.received,
        firing=row.firing,
        message_ts=row.message_ts,
        message_link=row.message_link,
        incident_id=row.incident_id,
        dismissed_by=row.dismissed_by,
        dismissed_reason=row.dismissed_reason,
    )
