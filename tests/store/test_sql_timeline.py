"""The timeline's store queries on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.incident.models import EventKind, Incident, Severity
from incidentbot.kernel.ports import NewEvent, NewIncident
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.timeline.rules import PENDING_TEXT

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    engine = make_engine(database_url)
    migrate(engine)
    yield SqlStore(engine)
    engine.dispose()


def _incident(store: SqlStore, team: str = "T1") -> Incident:
    with store.transaction() as tx:
        return tx.add_incident(
            NewIncident(
                team_id=team,
                title="Checkout failing",
                severity=Severity.SEV1,
                impact="x",
                is_private=False,
                declared_by="U001",
                declared_at=NOW,
                next_update_due=None,
            )
        )


def _captured(incident_id: int, ts: str, text: str = "msg") -> NewEvent:
    return NewEvent(
        incident_id=incident_id,
        kind=EventKind.OTHER,
        text=text,
        occurred_at=NOW - timedelta(minutes=5),
        message_ts=ts,
        source="reaction",
        recorded_at=NOW,
    )


def test_a_repeated_delivery_is_seen_as_such(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.first_delivery("Ev1", NOW)
    with store.transaction() as tx:
        assert not tx.first_delivery("Ev1", NOW)
        assert tx.first_delivery("Ev2", NOW)


def test_one_message_one_entry_and_recorded_at_is_kept(store: SqlStore) -> None:
    incident = _incident(store)
    with store.transaction() as tx:
        first = tx.add_event(_captured(incident.id, "1.1"))
        assert tx.add_event(_captured(incident.id, "1.1", "again")) is None
    assert first is not None
    assert first.recorded_at == NOW and first.occurred_at == NOW - timedelta(minutes=5)
    other = _incident(store)
    with store.transaction() as tx:
        assert tx.add_event(_captured(other.id, "1.1")) is not None, "unique per incident, not globally"


def test_removed_entries_are_kept_but_not_listed(store: SqlStore) -> None:
    incident = _incident(store)
    with store.transaction() as tx:
        entry = tx.add_event(_captured(incident.id, "1.2"))
        assert entry is not None
        tx.update_event(
            entry.model_copy(update={"deleted_at": NOW, "edited": True, "kind": EventKind.DECISION})
        )
    with store.transaction() as tx:
        assert tx.events(incident.id) == []
        kept = tx.event_for_message(incident.id, "1.2")
        assert kept is not None and kept.deleted_at == NOW and kept.edited and kept.kind is EventKind.DECISION
        assert tx.get_event(entry.id) == kept


def test_unfetched_captures_and_teams(store: SqlStore) -> None:
    incident = _incident(store)
    _incident(store, team="T2")
    with store.transaction() as tx:
        tx.add_event(_captured(incident.id, "1.3", PENDING_TEXT))
        tx.add_event(_captured(incident.id, "1.4", "fetched"))
        waiting = tx.unfetched_captures(incident.id, 5)
        assert [e.message_ts for e in waiting] == ["1.3"]
        assert tx.teams_with_incident(1) == ["T1", "T2"]
        assert tx.teams_with_incident(9) == []
