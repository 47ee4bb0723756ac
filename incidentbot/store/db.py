"""Engines and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 7_311_004  # an arbitrary, fixed PostgreSQL advisory lock key


def make_engine(url: str, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # As many pooled connections as threads that may hold one at once (request threads, the
    # pools that work after an ack, reminder deliveries): a connection opened beyond the pool
    # is closed on return, and opening PostgreSQL connections in a burst costs more than holding them.
    options.setdefault("pool_size", 40)
    options.setdefault("max_overflow", 10)
    return create_engine(url, pool_pre_ping=True, **options)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while one writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives a crash of the bot; it only skips an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema up to date; safe to run at every start, and from several processes at once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together must not race to create the same tables.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
