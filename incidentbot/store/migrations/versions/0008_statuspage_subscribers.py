"""status page subscribers (email and webhook) and the notifications owed to them

Revision ID: 0008_statuspage_subscribers
Revises: 0007_alerts_intake
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_statuspage_subscribers"
down_revision = "0007_alerts_intake"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "status_page_subscribers",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("address", sa.String(1000), nullable=False),
        sa.Column("components", sa.JSON()),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("confirm_hash", sa.String(64)),
        sa.Column("unsubscribe_token", sa.String(64), nullable=False),
        sa.Column("bounces", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("confirmed_at", UtcDateTime),
        sa.UniqueConstraint("channel", "address", name="uq_status_page_subscribers_address"),
        sa.UniqueConstraint("confirm_hash", name="uq_status_page_subscribers_confirm_hash"),
        sa.UniqueConstraint("unsubscribe_token", name="uq_status_page_subscribers_unsubscribe"),
    )
    op.create_index("ix_status_page_subscribers_state", "status_page_subscribers", ["state", "id"])
    op.create_table(
        "status_page_deliveries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "update_id", Id, sa.ForeignKey("status_page_updates.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "subscriber_id",
            Id,
            sa.ForeignKey("status_page_subscribers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime),
        sa.UniqueConstraint("update_id", "subscriber_id", name="uq_status_page_deliveries_once"),
    )


def downgrade() -> None:
    op.drop_table("status_page_deliveries")
    op.drop_index("ix_status_page_subscribers_state", table_name="status_page_subscribers")
    op.drop_table("status_page_subscribers")
