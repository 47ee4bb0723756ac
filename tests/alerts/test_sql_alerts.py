"""Alert groups in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.alerts.model import AlertState, Links, Source
from incidentbot.alerts.ports import NewGroup
from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    engine = make_engine(database_url)
    migrate(engine)
    yield SqlStore(engine)
    engine.dispose()


def _group(store: SqlStore, key: str = "g") -> int:
    new = NewGroup(
        source=Source.ALERTMANAGER,
        group_key=key,
        channel_id="C1",
        title="HighErrorRate",
        summary="",
        labels={},
        links=Links(),
        first_seen=NOW,
    )
    with store.transaction() as tx:
        return SqlAlerts(tx).start_group(new).id


def test_a_state_older_than_the_one_recorded_is_stale_not_a_change(store: SqlStore) -> None:
    group = _group(store)
    with store.transaction() as tx:
        alerts = SqlAlerts(tx)
        assert alerts.record_alert(group, "f1", AlertState.FIRING, NOW)
        assert alerts.record_alert(group, "f1", AlertState.RESOLVED, NOW + timedelta(seconds=30))
        assert not alerts.record_alert(group, "f1", AlertState.FIRING, NOW + timedelta(seconds=10))
        assert alerts.firing(group) == 0


def test_a_closed_group_frees_its_key_for_the_next_one(store: SqlStore) -> None:
    first = _group(store)
    assert _group(store) == first, "the key's open group, not a second one"
    with store.transaction() as tx:
        SqlAlerts(tx).close_group(first)
    second = _group(store)
    assert second != first
    with store.transaction() as tx:
        found = SqlAlerts(tx).open_group(Source.ALERTMANAGER, "g")
    assert found is not None and found.id == second
