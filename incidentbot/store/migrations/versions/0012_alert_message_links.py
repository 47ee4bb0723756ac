"""the link to each alert group's triage message, for the incident's summary

Revision ID: 0012_alert_message_links
Revises: 0011_drills
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_alert_message_links"
down_revision = "0011_drills"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_groups") as batch:
        batch.add_column(sa.Column("message_link", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_groups") as batch:
        batch.drop_column("message_link")
