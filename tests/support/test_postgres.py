"""Self-tests of the throwaway PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support import postgres
from tests.support.postgres import PostgresUnavailable, ThrowawayPostgres, postgres_or_skip

pytestmark = pytest.mark.postgres


def scalar(url: str, sql: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def test_starts_answers_creates_databases_and_stops() -> None:
    try:
        server = ThrowawayPostgres()
        url = server.start()
    except PostgresUnavailable as exc:
        postgres_or_skip()  # applies the skip-or-fail policy
        raise AssertionError("unreachable") from exc
    root = server.root
    try:
        assert "PostgreSQL 15" in str(scalar(url, "select version()"))
        assert url.startswith("postgresql+psycopg://postgres@/postgres?host=")

        second = server.create_database("second_db")
        assert scalar(second, "select current_database()") == "second_db"
        fresh = server.create_database()
        assert scalar(fresh, "select count(*) from pg_tables where schemaname = 'public'") == 0
        assert scalar(fresh, "select current_setting('fsync')") == "off"
    finally:
        server.stop()
    assert not root.exists()
    server.stop()  # idempotent


def test_postgres_or_skip_shares_one_running_server() -> None:
    first = postgres_or_skip()
    assert postgres_or_skip() is first
    url = first.create_database()
    assert scalar(url, "select 1") == 1


def test_missing_binaries_are_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(postgres.PG_BIN_ENV, str(tmp_path))
    with pytest.raises(PostgresUnavailable):
        postgres.find_pg_bin()


def test_required_postgres_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(postgres, "_shared", None)
    monkeypatch.setenv(postgres.PG_BIN_ENV, str(tmp_path))
    monkeypatch.setenv(postgres.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        postgres_or_skip()
    monkeypatch.setenv(postgres.REQUIRE_ENV, "0")
    with pytest.raises(pytest.skip.Exception):
        postgres_or_skip()
