"""the status page's site version: one counter bumped by every publication and correction

Revision ID: 0010_statuspage_site_version
Revises: 0009_webhooks
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_statuspage_site_version"
down_revision = "0009_webhooks"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    site = op.create_table(
        "status_page_site",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", Id, nullable=False),
    )
    op.bulk_insert(site, [{"id": 1, "version": 0}])
    with op.batch_alter_table("status_page_incidents") as batch:
        batch.add_column(sa.Column("revision", Id, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("status_page_incidents") as batch:
        batch.drop_column("revision")
    op.drop_table("status_page_site")
