"""The reminders table as a queue shared by workers, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.cadence.ports import NewReminder
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from tests.support.seeding import seed_due_incidents

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    engine = make_engine(database_url)
    migrate(engine)
    yield SqlStore(engine)
    engine.dispose()


def _seed(store: SqlStore, count: int) -> None:
    dues = [NOW - timedelta(minutes=count - i) for i in range(count)]
    seed_due_incidents(store, dues, declared_at=NOW - timedelta(hours=2))


def test_claims_take_the_oldest_due_rows_up_to_the_limit(store: SqlStore) -> None:
    _seed(store, 5)
    with store.transaction() as tx:
        tx.add_reminder(
            NewReminder(kind="nag", due_at=NOW + timedelta(minutes=1), subject_id=1, commitment_id=1)
        )
        first = tx.claim_reminders("w1", NOW, NOW + LEASE, 3)
        second = tx.claim_reminders("w2", NOW, NOW + LEASE, 3)
        third = tx.claim_reminders("w3", NOW, NOW + LEASE, 3)
    assert [r.due_at for r in first] == [NOW - timedelta(minutes=m) for m in (5, 4, 3)]
    assert {r.claimed_by for r in first} == {"w1"} and {r.claimed_until for r in first} == {NOW + LEASE}
    assert len(second) == 2 and not third, "leased rows and future rows are not taken"


def test_the_same_reminder_cannot_be_scheduled_twice(store: SqlStore) -> None:
    _seed(store, 1)
    with store.transaction() as tx:
        [nag] = tx.reminders(1)
        again = NewReminder(
            kind=nag.kind,
            due_at=nag.due_at,
            incident_id=1,
            commitment_id=nag.commitment_id,
            subject_id=nag.subject_id,
        )
        assert tx.add_reminder(again) is None
        assert len(tx.reminders(1)) == 1


def test_only_the_lease_holder_can_renew_or_finish(store: SqlStore) -> None:
    _seed(store, 1)
    with store.transaction() as tx:
        [claimed] = tx.claim_reminders("w1", NOW, NOW + LEASE, 10)
        assert not tx.renew_claim(claimed.id, "w2", NOW + 2 * LEASE)
        assert not tx.finish_reminder(claimed.id, "w2", ReminderState.DONE, NOW)
        assert tx.renew_claim(claimed.id, "w1", NOW + 2 * LEASE)
        assert tx.finish_reminder(claimed.id, "w1", ReminderState.DONE, NOW)
        assert not tx.finish_reminder(claimed.id, "w1", ReminderState.DONE, NOW), "finishing happens once"
        [done] = tx.reminders(1)
    assert (done.state, done.fired_at) == (ReminderState.DONE, NOW)


def test_released_rows_wait_for_their_retry_time(store: SqlStore) -> None:
    _seed(store, 1)
    with store.transaction() as tx:
        [claimed] = tx.claim_reminders("w1", NOW, NOW + LEASE, 10)
        tx.release_reminder(claimed.id, "w1", NOW + timedelta(seconds=5), "chat.postMessage: ratelimited")
        assert not tx.claim_reminders("w2", NOW + timedelta(seconds=4), NOW + LEASE, 10)
        [again] = tx.claim_reminders("w2", NOW + timedelta(seconds=5), NOW + LEASE, 10)
    assert (again.attempts, again.last_error, again.claimed_by) == (1, "chat.postMessage: ratelimited", "w2")


def test_concurrent_claims_never_share_a_row(store: SqlStore) -> None:
    _seed(store, 200)

    def drain(worker: str) -> list[int]:
        taken: list[int] = []
        while True:
            with store.transaction() as tx:
                batch = tx.claim_reminders(worker, NOW, NOW + LEASE, 7)
            if not batch:
                return taken
            taken.extend(r.id for r in batch)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(drain, ["w1", "w2", "w3", "w4"]))
    everything = [rid for taken in results for rid in taken]
    assert len(everything) == len(set(everything)) == 200
