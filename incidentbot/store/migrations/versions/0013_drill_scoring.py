"""drills scored on their own clock: the incident's time scale, each inject's message, the replies
to injects, the checker's findings on a text's drafts, and the scorecard file's upload

Revision ID: 0013_drill_scoring
Revises: 0012_alert_message_links
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_drill_scoring"
down_revision = "0012_alert_message_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("time_scale", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("drill_runs") as batch:
        batch.add_column(sa.Column("scorecard_file_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("scorecard_upload_url", sa.Text(), nullable=True))
    with op.batch_alter_table("drill_injects") as batch:
        batch.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
    op.create_table(
        "drill_replies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_drill_replies_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["inject_id"], ["drill_injects.id"], name="fk_drill_replies_inject_id_drill_injects", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("incident_id", "ts", name="uq_drill_replies_ts"),
    )
    with op.batch_alter_table("comms_texts") as batch:
        batch.add_column(sa.Column("draft_findings", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_table("drill_replies")
    with op.batch_alter_table("drill_injects") as batch:
        batch.drop_column("message_ts")
    with op.batch_alter_table("drill_runs") as batch:
        batch.drop_column("scorecard_upload_url")
        batch.drop_column("scorecard_file_id")
    with op.batch_alter_table("comms_texts") as batch:
        batch.drop_column("draft_findings")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("time_scale")
