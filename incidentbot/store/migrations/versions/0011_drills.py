"""tabletop drills: the drill flag on incidents, each run and its injects

Revision ID: 0011_drills
Revises: 0010_statuspage_site_version
"""
from alembic import op
import sqlalchemy as sa


revision = "0011_drills"
down_revision = "0010_statuspage_site_version"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # A plain ADD COLUMN: a batch copy of `incidents` on SQLite would cascade to every table
    # that refers to it.
    op.add_column("incidents", sa.Column("drill", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "drill_runs",
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("scenario_name", sa.String(40), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("facilitator", sa.String(32), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True)),
        sa.Column("paused_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("ended_by", sa.String(32)),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_drill_runs_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("incident_id", name="pk_drill_runs"),
    )
    op.create_index("ix_drill_runs_team_scenario", "drill_runs", ["team_id", "scenario_name"])
    op.create_table(
        "drill_injects",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(40)),
        sa.Column("requires", sa.JSON(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_drill_injects_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("incident_id", "number", name="uq_drill_injects_number"),
    )


def downgrade() -> None:
    op.drop_table("drill_injects")
    op.drop_index("ix_drill_runs_team_scenario", table_name="drill_runs")
    op.drop_table("drill_runs")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("drill")
