"""alert groups and the state of each alert, for triage in Slack

Revision ID: 0007_alerts_intake
Revises: 0006_statuspage_updates
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_alerts_intake"
down_revision = "0006_statuspage_updates"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("open_key", sa.String(64)),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("firing", sa.Integer(), nullable=False),
        sa.Column("message_ts", sa.String(32)),
        sa.Column(
            "incident_id",
            Id,
            sa.ForeignKey("incidents.id", ondelete="SET NULL", name="fk_alert_groups_incident_id_incidents"),
        ),
        sa.Column("dismissed_by", sa.String(32)),
        sa.Column("dismissed_reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_alert_groups"),
        sa.UniqueConstraint("open_key", name="uq_alert_groups_open_key"),
    )
    op.create_index("ix_alert_groups_key_hash", "alert_groups", ["key_hash"])
    op.create_index("ix_alert_groups_incident_id", "alert_groups", ["incident_id"])
    op.create_table(
        "alert_states",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "group_id",
            Id,
            sa.ForeignKey("alert_groups.id", ondelete="CASCADE", name="fk_alert_states_group_id_alert_groups"),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_states"),
        sa.UniqueConstraint("group_id", "fingerprint", name="uq_alert_states_group_fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("alert_states")
    op.drop_index("ix_alert_groups_incident_id", "alert_groups")
    op.drop_index("ix_alert_groups_key_hash", "alert_groups")
    op.drop_table("alert_groups")
