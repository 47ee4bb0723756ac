"""requests journalled before Slack is acknowledged

A request that changes something is kept whole as a reminders row (its `payload`) until it has
been applied; see `kernel/journal.py`.

Revision ID: 0005_request_journal
Revises: 0004_action_reminders
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_request_journal"
down_revision = "0004_action_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reminders", sa.Column("payload", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("reminders", "payload")
