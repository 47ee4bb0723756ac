"""The subscribers' tables: who asked for news of the page, and what each was sent."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from incidentbot.store.tables import Id, UtcDateTime, metadata

status_page_subscribers = Table(
    "status_page_subscribers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("channel", String(10), nullable=False),
    Column("address", String(1000), nullable=False),
    Column("components", JSON),
    Column("state", String(10), nullable=False),
    Column("confirm_hash", String(64), unique=True),
    # Written into every mail, so kept readable; it can only end this one subscription.
    Column("unsubscribe_token", String(64), nullable=False, unique=True),
    Column("bounces", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime),
    UniqueConstraint("channel", "address", name="uq_status_page_subscribers_address"),
    Index("ix_status_page_subscribers_state", "state", "id"),
)

status_page_deliveries = Table(
    "status_page_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("update_id", ForeignKey("status_page_updates.id", ondelete="CASCADE"), nullable=False),
    Column("subscriber_id", ForeignKey("status_page_subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    # One notification per subscriber per update, however often the fan-out runs.
    UniqueConstraint("update_id", "subscriber_id", name="uq_status_page_deliveries_once"),
)

status_page_form_uses = Table(
    "status_page_form_uses",
    metadata,
    # sha256 of "client:<address>" or "address:<email>", so no address is kept in the clear.
    Column("key", String(64), primary_key=True),
    # The times of its uses inside the window (ISO 8601), oldest first.
    Column("uses", JSON, nullable=False),
    Column("last_used", UtcDateTime, nullable=False),
    Index("ix_status_page_form_uses_last_used", "last_used"),
)
