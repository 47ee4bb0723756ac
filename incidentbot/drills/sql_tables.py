"""A drill's tables: the run (its scenario as it was when it started) and each inject delivered."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from incidentbot.store.tables import Id, UtcDateTime, metadata

drill_runs = Table(
    "drill_runs",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", String(32), nullable=False),
    Column("scenario_name", String(40), nullable=False),
    # The scenario as it was at the start: a file edited during the drill changes nothing in it.
    Column("scenario", JSON, nullable=False),
    Column("scale", Integer, nullable=False),
    Column("facilitator", String(32), nullable=False),
    Column("participants", JSON, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime),
    Column("paused_at", UtcDateTime),
    Column("ended_at", UtcDateTime),
    Column("ended_by", String(32)),
    # The scorecard file's upload, remembered between its steps so a retry never shares it twice.
    Column("scorecard_file_id", String(32)),
    Column("scorecard_upload_url", Text),
    Index("ix_drill_runs_team_scenario", "team_id", "scenario_name"),
)

drill_injects = Table(
    "drill_injects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    # 1, 2, … in the scenario's order; an ad-hoc inject takes the next number.
    Column("number", Integer, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("sender", String(40)),
    Column("requires", JSON, nullable=False),
    Column("delivered_at", UtcDateTime),
    Column("skipped", Integer, nullable=False, default=0),
    # The inject's message in the channel: a reply in its thread answers it.
    Column("message_ts", String(32)),
    UniqueConstraint("incident_id", "number", name="uq_drill_injects_number"),
)

drill_replies = Table(
    "drill_replies",
    metadata,
    # Only what the scorecard needs: who answered which inject, when, and where; never the words.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("inject_id", ForeignKey("drill_injects.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("ts", String(32), nullable=False),
    Column("thread_ts", String(32)),
    Column("posted_at", UtcDateTime, nullable=False),
    UniqueConstraint("incident_id", "ts", name="uq_drill_replies_ts"),
)
