"""the status page: published incidents, their updates, and corrections to them

Revision ID: 0006_statuspage_updates
Revises: 0005_request_journal
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_statuspage_updates"
down_revision = "0005_request_journal"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "status_page_incidents",
        sa.Column("incident_id", Id, sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("impact", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("resolved_at", UtcDateTime),
        sa.UniqueConstraint("public_id", name="uq_status_page_incidents_public_id"),
    )
    op.create_index("ix_status_page_incidents_created", "status_page_incidents", ["created_at"])
    op.create_table(
        "status_page_updates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        sa.Column("incident_id", Id, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("comms_text_id", Id, sa.ForeignKey("comms_texts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("next_update_at", UtcDateTime),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("public_id", name="uq_status_page_updates_public_id"),
        sa.UniqueConstraint("comms_text_id", name="uq_status_page_updates_comms_text_id"),
    )
    op.create_index("ix_status_page_updates_incident", "status_page_updates", ["incident_id", "published_at"])
    op.create_table(
        "status_page_corrections",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "update_id", Id, sa.ForeignKey("status_page_updates.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("previous_body", sa.Text(), nullable=False),
        sa.Column("corrected_by", sa.String(32), nullable=False),
        sa.Column("corrected_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("status_page_corrections")
    op.drop_index("ix_status_page_updates_incident", table_name="status_page_updates")
    op.drop_table("status_page_updates")
    op.drop_index("ix_status_page_incidents_created", table_name="status_page_incidents")
    op.drop_table("status_page_incidents")
