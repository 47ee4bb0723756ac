"""The schema. Times are stored as UTC; `UtcDateTime` refuses naive datetimes on the way in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives them back aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer(), "sqlite")

workspace_counters = Table(
    "workspace_counters",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("number", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("impact", Text, nullable=False, default=""),
    Column("is_private", Boolean, nullable=False, default=False),
    Column("declared_by", String(32), nullable=False),
    Column("declared_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("channel_id", String(32), unique=True),
    Column("channel_name", String(80)),
    Column("summary_ts", String(32)),
    Column("announcement_channel_id", String(32)),
    Column("announcement_ts", String(32)),
    Column("next_update_due", UtcDateTime),
    Column("setup_state", String(16), nullable=False),
    Column("setup_error", Text),
    Column("drill", Boolean, nullable=False, default=False, server_default=false()),
    # A drill's time scale: its promises and nags come this many times sooner (1 for a real incident).
    Column("time_scale", Integer, nullable=False, default=1, server_default="1"),
    UniqueConstraint("team_id", "number", name="uq_incidents_team_number"),
)

role_assignments = Table(
    "role_assignments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("assigned_by", String(32), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Index("ix_role_assignments_current", "incident_id", "role", "ended_at"),
)

timeline_events = Table(
    "timeline_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("actor_id", String(32)),
    Column("actor_name", String(200)),
    Column("source", String(16), nullable=False, default="auto"),
    Column("message_ts", String(32)),
    Column("permalink", Text),
    Column("edited", Boolean, nullable=False, default=False),
    Column("deleted_at", UtcDateTime),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("incident_id", "message_ts", name="uq_timeline_events_incident_message"),
    Index("ix_timeline_events_incident_time", "incident_id", "occurred_at"),
)

updates = Table(
    "updates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(32), nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("theory", Text, nullable=False, default=""),
    Column("tried", Text, nullable=False, default=""),
    Column("doing", Text, nullable=False, default=""),
    Column("impact", Text, nullable=False, default=""),
    Column("customer_text", Text),
    Column("next_update_at", UtcDateTime),
    Column("message_ts", String(32)),
    Index("ix_updates_incident_time", "incident_id", "posted_at"),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("made_by", String(32)),
    Column("made_at", UtcDateTime, nullable=False),
    Column("source", String(16), nullable=False),
    Column("state", String(16), nullable=False, default="open"),
    Column("settled_at", UtcDateTime),
    Index("ix_commitments_incident_state", "incident_id", "state"),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(24), nullable=False),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE")),
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE")),
    Column("subject_id", BigInteger),
    Column("due_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False, default="pending"),
    Column("claimed_by", String(64)),
    Column("claimed_until", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("fired_at", UtcDateTime),
    Column("payload", Text),
    UniqueConstraint("kind", "commitment_id", "subject_id", "due_at", name="uq_reminders_once"),
    Index("ix_reminders_due", "state", "due_at"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
)

comms_texts = Table(
    "comms_texts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("author_id", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("findings", JSON, nullable=False, default=list),
    Column("message_ts", String(32)),
    # The findings on the drafts reviewed before it was posted (None: none were).
    Column("draft_findings", JSON),
    Index("ix_comms_texts_incident", "incident_id", "audience", "created_at"),
)

resolutions = Table(
    "resolutions",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("resolved_by", String(32), nullable=False),
    Column("resolved_at", UtcDateTime, nullable=False),
    Column("fix", Text, nullable=False, default=""),
    Column("customer_impact", Text, nullable=False, default=""),
    Column("users_affected", Integer),
    Column("root_cause", Text, nullable=False, default=""),
    Column("started_at", UtcDateTime),
)

action_items = Table(
    "action_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_id", String(32)),
    Column("due_on", String(10)),
    Column("priority", String(4), nullable=False, default="P2"),
    Column("success_metric", Text, nullable=False, default=""),
    Column("state", String(16), nullable=False, default="open"),
    Column("created_by", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime),
)

analysis_entries = Table(
    "analysis_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("category", String(24)),
    Column("content", JSON, nullable=False),
    Column("author_id", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Reminders without a commitment (overdue action items) are kept once per subject and day.
Index(
    "uq_reminders_subject_once",
    reminders.c.kind,
    reminders.c.subject_id,
    reminders.c.due_at,
    unique=True,
    sqlite_where=reminders.c.commitment_id.is_(None),
    postgresql_where=reminders.c.commitment_id.is_(None),
)
