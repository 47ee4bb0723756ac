"""the status page subscribe form's uses per client and address, shared by every replica

Revision ID: 0014_statuspage_form_uses
Revises: 0013_drill_scoring
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_statuspage_form_uses"
down_revision = "0013_drill_scoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_page_form_uses",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("uses", sa.JSON(), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_status_page_form_uses_last_used", "status_page_form_uses", ["last_used"])


def downgrade() -> None:
    op.drop_index("ix_status_page_form_uses_last_used", table_name="status_page_form_uses")
    op.drop_table("status_page_form_uses")
