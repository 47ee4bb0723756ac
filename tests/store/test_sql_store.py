"""The SQL store on SQLite and PostgreSQL: numbering, roles, timeline uniqueness, deliveries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.incident.models import EventKind, Role, SetupState, Severity
from incidentbot.kernel.ports import NewEvent, NewIncident
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> SqlStore:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent: a restart runs it again
    return SqlStore(engine)


def _new(team: str = "T1", title: str = "DB down") -> NewIncident:
    return NewIncident(
        team, title, Severity.SEV2, "Users cannot log in", False, "U1", NOW, NOW + timedelta(minutes=15)
    )


def test_numbers_are_per_workspace_and_unique_under_concurrency(store: SqlStore) -> None:
    def declare_one(index: int) -> int:
        with store.transaction() as tx:
            return tx.add_incident(_new(title=f"incident {index}")).number

    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(declare_one, range(40)))
    assert sorted(numbers) == list(range(1, 41))
    with store.transaction() as tx:
        assert tx.add_incident(_new(team="T2")).number == 1


def test_times_come_back_aware_utc(store: SqlStore) -> None:
    with store.transaction() as tx:
        incident = tx.add_incident(_new())
    with store.transaction() as tx:
        loaded = tx.get_incident(incident.id)
    assert loaded is not None
    assert loaded.declared_at == NOW and loaded.declared_at.tzinfo is not None
    assert loaded.next_update_due == NOW + timedelta(minutes=15)
    assert loaded.setup_state is SetupState.PENDING


def test_naive_times_are_refused(store: SqlStore) -> None:
    naive = NewIncident("T1", "x", Severity.SEV1, "y", False, "U1", datetime(2026, 1, 1), None)
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as tx:
        tx.add_incident(naive)


def test_role_history_keeps_who_assigned_and_until_when(store: SqlStore) -> None:
    with store.transaction() as tx:
        incident = tx.add_incident(_new())
        assert tx.assign_role(incident.id, Role.COMMS, "U2", "U1", NOW) is None
        assert tx.assign_role(incident.id, Role.COMMS, "U3", "U1", NOW + timedelta(minutes=5)) == "U2"
        roster = tx.roster(incident.id)
        history = tx.role_history(incident.id)
    assert roster.comms == "U3"
    assert [(a.user_id, a.ended_at) for a in history] == [("U2", NOW + timedelta(minutes=5)), ("U3", None)]


def test_one_message_is_one_timeline_entry(store: SqlStore) -> None:
    with store.transaction() as tx:
        incident = tx.add_incident(_new())
        event = NewEvent(
            incident.id, EventKind.NOTE, "deploy rolled back", NOW, message_ts="1700000000.000100"
        )
        assert tx.add_event(event) is not None
        assert tx.add_event(event) is None
        assert tx.add_event(NewEvent(incident.id, EventKind.DECLARED, "declared", NOW)) is not None
        assert tx.add_event(NewEvent(incident.id, EventKind.DECLARED, "again", NOW)) is not None
        assert len(tx.events(incident.id)) == 3


def test_a_delivery_not_acted_on_is_forgotten_and_its_repeat_is_first(store: SqlStore) -> None:
    view = "view:VS00000001:1700000000.fakehash"
    with store.transaction() as tx:
        assert tx.first_delivery(view, NOW)
        assert tx.first_delivery("action:U001:1700000000.000001:take_role:scribe", NOW)
    with store.transaction() as tx:
        tx.forget_delivery(view)
    with store.transaction() as tx:
        assert tx.first_delivery(view, NOW)
        assert not tx.first_delivery("action:U001:1700000000.000001:take_role:scribe", NOW)


def test_event_ids_are_processed_once(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.first_delivery("Ev1", NOW)
        assert not tx.first_delivery("Ev1", NOW)


def test_interrupted_setups_are_found(store: SqlStore) -> None:
    with store.transaction() as tx:
        pending = tx.add_incident(_new())
        done = tx.add_incident(_new(title="done"))
        tx.save_incident(done.model_copy(update={"setup_state": SetupState.READY}))
        assert [i.id for i in tx.interrupted_setups()] == [pending.id]
