"""Alembic environment: runs on the connection handed over by `incidentbot.store.db.migrate`."""

from __future__ import annotations

from alembic import context

from incidentbot.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through incidentbot.store.db.migrate")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
