"""Every implementation of the store port, for the contract tests beside this file.

Each test gets an empty store: a copy of a SQLite file migrated once, the one PostgreSQL database
of the session with every table emptied, or a fresh in-memory store. Migrating for every test
costs 0.1 s on SQLite and 0.25-0.9 s on PostgreSQL; a copy or a TRUNCATE costs milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from incidentbot.kernel.ports import Store
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.store.tables import metadata
from tests.support.memory import MemoryStore
from tests.support.postgres import ThrowawayPostgres


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: ThrowawayPostgres) -> Iterator[Engine]:
    # A fresh name: a module elsewhere that imports these fixtures (`test_journal_compat.py`) gets
    # its own session-wide instance of them, and so its own database.
    engine = make_engine(postgres_server.create_database())
    migrate(engine)
    yield engine
    engine.dispose()


def _emptied(engine: Engine) -> Engine:
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    if request.param == "postgres":
        yield SqlStore(_emptied(request.getfixturevalue("migrated_postgres")))
        return
    copy = tmp_path / "incidentbot.db"
    shutil.copy(request.getfixturevalue("migrated_sqlite_file"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield SqlStore(engine)
    engine.dispose()
