"""Deleting finished reminder rows and old event ids, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from incidentbot.clock import ManualClock
from incidentbot.incident.models import SetupState, Status
from incidentbot.incident.policy import Policy
from incidentbot.kernel import housekeeping
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore, SqlTransaction
from incidentbot.wiring import build_registry
from tests.support.memory import RecordingWorkspace
from tests.support.postgres import ThrowawayPostgres
from tests.support.seeding import seed_due_incidents

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
LEASE = timedelta(seconds=60)
CUTOFF = NOW + 10 * DAY
"""As a sweep on day 40 with a 30-day retention sees it."""


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    engine = make_engine(database_url)
    migrate(engine)
    yield SqlStore(engine)
    engine.dispose()


def _incidents(store: SqlStore, count: int) -> list[int]:
    seeded = seed_due_incidents(store, [NOW + timedelta(minutes=15)] * count, declared_at=NOW)
    return [s.incident_id for s in seeded]


def _resolve(tx: SqlTransaction, incident_id: int, at: datetime) -> None:
    """Resolved at `at`: its live commitment ends and the pending nag is cancelled."""
    incident = tx.get_incident(incident_id)
    assert incident is not None
    tx.save_incident(incident.model_copy(update={"status": Status.RESOLVED, "resolved_at": at}))
    live = tx.live_commitment(incident_id)
    assert live is not None
    tx.cancel_reminders(live.id, at)


def _finished(
    tx: SqlTransaction,
    incident_id: int,
    at: datetime,
    kind: OutboxKind = OutboxKind.SYNC_SUMMARY,
    state: ReminderState = ReminderState.DONE,
) -> int:
    row = tx.add_outbox_row(kind, incident_id, incident_id, at, at)
    assert tx.claim_reminder_ids([row.id], "w", at, at + LEASE)
    assert tx.finish_reminder(row.id, "w", state, at)
    return row.id


def _ids(store: SqlStore, incident_id: int) -> set[int]:
    with store.transaction() as tx:
        return {r.id for r in tx.reminders(incident_id)}


def test_only_finished_rows_of_incidents_resolved_before_the_cutoff_go(store: SqlStore) -> None:
    resolved, still_open, unfinished_setup, recently_resolved = _incidents(store, 4)
    with store.transaction() as tx:
        _resolve(tx, resolved, NOW)
        gone = {
            _finished(tx, resolved, NOW, OutboxKind.SET_UP),
            _finished(tx, resolved, NOW, OutboxKind.CHANGE_NOTICE, ReminderState.CANCELLED),
            *(r.id for r in tx.reminders(resolved) if r.kind == "nag"),  # cancelled with its commitment
        }
        owed = tx.add_outbox_row(OutboxKind.SYNC_SUMMARY, resolved, resolved, NOW, NOW).id
        retried_lately = _finished(tx, resolved, NOW + 20 * DAY, OutboxKind.ROLE_NOTICE)

        _finished(tx, still_open, NOW)

        _finished(tx, unfinished_setup, NOW, OutboxKind.SETUP_DELAYED)
        incident = tx.get_incident(unfinished_setup)
        assert incident is not None
        tx.save_incident(incident.model_copy(update={"setup_state": SetupState.FAILED}))
        _resolve(tx, unfinished_setup, NOW)

        _finished(tx, recently_resolved, NOW)
        _resolve(tx, recently_resolved, NOW + 20 * DAY)

    kept = {i: _ids(store, i) for i in (still_open, unfinished_setup, recently_resolved)}
    with store.transaction() as tx:
        assert tx.delete_finished_reminders(CUTOFF, CUTOFF, 1000) == len(gone)
        assert tx.delete_finished_reminders(CUTOFF, CUTOFF, 1000) == 0
    assert _ids(store, resolved) == {owed, retried_lately}
    assert {i: _ids(store, i) for i in kept} == kept


def test_each_call_deletes_one_bounded_batch(store: SqlStore) -> None:
    [incident] = _incidents(store, 1)
    with store.transaction() as tx:
        for minute in range(25):
            _finished(tx, incident, NOW + timedelta(minutes=minute))
        _resolve(tx, incident, NOW + DAY)
    batches = []
    for _ in range(4):
        with store.transaction() as tx:
            batches.append(tx.delete_finished_reminders(CUTOFF, CUTOFF, 10))
    assert batches == [10, 10, 6, 0], "25 rows and the nag cancelled at the resolution"
    assert _ids(store, incident) == set()


def test_old_event_ids_are_forgotten_and_recent_ones_still_drop_retries(store: SqlStore) -> None:
    with store.transaction() as tx:
        for index in range(5):
            assert tx.first_delivery(f"EvOld{index}", NOW)
        assert tx.first_delivery("EvRecent", NOW + 6 * DAY)
    with store.transaction() as tx:
        assert tx.delete_processed_events(NOW + DAY, 3) == 3
        assert tx.delete_processed_events(NOW + DAY, 3) == 2
        assert tx.delete_processed_events(NOW + DAY, 3) == 0
    with store.transaction() as tx:
        assert not tx.first_delivery("EvRecent", NOW + 7 * DAY)
        assert tx.first_delivery("EvOld0", NOW + 7 * DAY)


def test_submitted_views_and_clicks_are_forgotten_with_the_event_ids(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.first_delivery("view:VS00000001:1700000000.fakehash", NOW)
        assert tx.first_delivery("action:U001:1700000000.000001:snooze_update:15", NOW + 6 * DAY)
    with store.transaction() as tx:
        assert tx.delete_processed_events(NOW + DAY, 10) == 1
    with store.transaction() as tx:
        assert tx.first_delivery("view:VS00000001:1700000000.fakehash", NOW + 7 * DAY)
        assert not tx.first_delivery("action:U001:1700000000.000001:snooze_update:15", NOW + 7 * DAY)


def test_two_processes_sweeping_at_once_remove_everything_once(store: SqlStore) -> None:
    incidents = _incidents(store, 4)
    with store.transaction() as tx:
        for incident in incidents:
            for minute in range(30):
                _finished(tx, incident, NOW + timedelta(minutes=minute))
            _resolve(tx, incident, NOW + DAY)
        for index in range(250):
            tx.first_delivery(f"Ev{index}", NOW)

    def sweep(_: int) -> housekeeping.SweepReport:
        services = Services(
            store, RecordingWorkspace(), Policy(), ManualClock(NOW + 40 * DAY), handlers=build_registry()
        )
        return housekeeping.sweep(services, batch=7)

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(sweep, range(2)))
    assert sum(r.reminders for r in reports) == 4 * 31
    assert sum(r.event_ids for r in reports) == 250
    assert all(_ids(store, incident) == set() for incident in incidents)


@pytest.mark.postgres
def test_on_postgresql_a_sweep_skips_rows_another_sweep_holds(postgres_server: ThrowawayPostgres) -> None:
    engine = make_engine(postgres_server.create_database("housekeeping_skip_locked"))
    migrate(engine)
    store = SqlStore(engine)
    try:
        [incident] = _incidents(store, 1)
        with store.transaction() as tx:
            for minute in range(25):
                _finished(tx, incident, NOW + timedelta(minutes=minute))
            _resolve(tx, incident, NOW + DAY)
        with store.transaction() as first:
            assert first.delete_finished_reminders(CUTOFF, CUTOFF, 10) == 10
            with store.transaction() as second:
                # Waiting for the first sweep's locks would fail here instead of hanging the test.
                second.db.execute(text("SET LOCAL lock_timeout = '5s'"))
                assert second.delete_finished_reminders(CUTOFF, CUTOFF, 100) == 16
        assert _ids(store, incident) == set()
    finally:
        engine.dispose()
