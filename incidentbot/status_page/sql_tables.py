"""The status page's tables: what was published, kept apart from what the team wrote internally."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from incidentbot.store.tables import Id, UtcDateTime, metadata

status_page_incidents = Table(
    "status_page_incidents",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    # A random id, not the incident number: gaps in public numbers would count private incidents.
    Column("public_id", String(16), nullable=False, unique=True),
    Column("name", String(150), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("impact", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    # The site version of the incident's last change: readers reload only what changed since theirs.
    Column("revision", Id, nullable=False, server_default="0"),
    Index("ix_status_page_incidents_created", "created_at"),
)

status_page_updates = Table(
    "status_page_updates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("comms_text_id", ForeignKey("comms_texts.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("stage", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("next_update_at", UtcDateTime),
    Column("components", JSON, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_status_page_updates_incident", "incident_id", "published_at"),
)

status_page_corrections = Table(
    "status_page_corrections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("update_id", ForeignKey("status_page_updates.id", ondelete="CASCADE"), nullable=False),
    Column("previous_body", Text, nullable=False),
    Column("corrected_by", String(32), nullable=False),
    Column("corrected_at", UtcDateTime, nullable=False),
)

status_page_site = Table(
    "status_page_site",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    # Bumped in every transaction that changes what is published; the row lock orders them, so a
    # reader that sees version N sees every change up to N.
    Column("version", Id, nullable=False),
)
