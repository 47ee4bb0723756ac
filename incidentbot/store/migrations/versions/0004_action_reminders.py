"""one overdue reminder per action item and day

Reminders for action items have no commitment, and NULLs never collide in a unique constraint,
so (kind, commitment_id, subject_id, due_at) cannot keep them unique: this partial index does.

Revision ID: 0004_action_reminders
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0004_action_reminders"
down_revision = "0001"
branch_labels = None
depends_on = None

WHERE = sa.text("commitment_id IS NULL")


def upgrade() -> None:
    op.create_index(
        "uq_reminders_subject_once",
        "reminders",
        ["kind", "subject_id", "due_at"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("uq_reminders_subject_once", table_name="reminders")
