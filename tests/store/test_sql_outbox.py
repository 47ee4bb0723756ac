"""Outbox rows in the reminders table, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.incident.models import Role
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from tests.support.seeding import seed_due_incidents

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOLD = NOW + timedelta(seconds=10)
LEASE = timedelta(seconds=60)
SYNC = OutboxKind.SYNC_SUMMARY


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    engine = make_engine(database_url)
    migrate(engine)
    store = SqlStore(engine)
    seed_due_incidents(store, [NOW + timedelta(minutes=15)], declared_at=NOW)
    yield store
    engine.dispose()


def test_a_row_is_held_for_its_caller_and_the_scheduler_takes_it_after(store: SqlStore) -> None:
    with store.transaction() as tx:
        row = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        assert (row.state, row.due_at, row.claimed_by, row.claimed_until) == (
            ReminderState.PENDING,
            NOW,
            None,
            HOLD,
        )
        assert tx.claim_reminders("scheduler", NOW, NOW + LEASE, 10) == []
        [claimed] = tx.claim_reminders("scheduler", HOLD, HOLD + LEASE, 10)
    assert claimed.id == row.id


def test_rows_for_one_subject_in_the_same_instant_follow_each_other(store: SqlStore) -> None:
    with store.transaction() as tx:
        first = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        second = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        other_kind = tx.add_outbox_row(OutboxKind.SET_UP, 1, 1, NOW, HOLD)
        assert [r.id for r in tx.outbox_rows(SYNC, 1)] == [first.id, second.id]
    assert second.due_at == NOW + timedelta(microseconds=1)
    assert other_kind.due_at == NOW


def test_claiming_given_ids_skips_the_hold_and_the_backoff_but_not_a_lease(store: SqlStore) -> None:
    with store.transaction() as tx:
        held = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        leased = tx.add_outbox_row(OutboxKind.SET_UP, 1, 1, NOW, HOLD)
        backing_off = tx.add_outbox_row(OutboxKind.CHANGE_NOTICE, 1, 7, NOW, HOLD)
        tx.claim_reminder_ids([leased.id, backing_off.id], "other", NOW, NOW + LEASE)
        tx.release_reminder(backing_off.id, "other", NOW + timedelta(minutes=5), "503")
        claimed = tx.claim_reminder_ids([held.id, leased.id, backing_off.id], "me", NOW, NOW + LEASE)
        assert [r.id for r in claimed] == [held.id, backing_off.id]
        assert {r.claimed_by for r in claimed} == {"me"}
        after_lease = NOW + LEASE
        [taken_over] = tx.claim_reminder_ids([leased.id], "me", after_lease, after_lease + LEASE)
    assert taken_over.id == leased.id


def test_a_claim_by_id_leaves_done_rows_alone(store: SqlStore) -> None:
    with store.transaction() as tx:
        row = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        tx.claim_reminder_ids([row.id], "me", NOW, NOW + LEASE)
        tx.finish_reminder(row.id, "me", ReminderState.DONE, NOW)
        assert tx.claim_reminder_ids([row.id], "you", NOW + LEASE, NOW + 2 * LEASE) == []


def test_only_a_row_no_worker_holds_is_unstarted(store: SqlStore) -> None:
    with store.transaction() as tx:
        first = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        unstarted = tx.unstarted_outbox_row(SYNC, 1)
        assert unstarted is not None and unstarted.id == first.id
        tx.claim_reminder_ids([first.id], "me", NOW, NOW + LEASE)
        assert tx.unstarted_outbox_row(SYNC, 1) is None
        second = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)
        unstarted = tx.unstarted_outbox_row(SYNC, 1)
        assert unstarted is not None and unstarted.id == second.id
        assert tx.unstarted_outbox_row(SYNC, 2) is None


def test_concurrent_claims_of_one_row_give_it_to_one_worker(store: SqlStore) -> None:
    with store.transaction() as tx:
        row = tx.add_outbox_row(SYNC, 1, 1, NOW, HOLD)

    def claim(worker: str) -> int:
        with store.transaction() as tx:
            return len(tx.claim_reminder_ids([row.id], worker, NOW, NOW + LEASE))

    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(claim, [f"w{i}" for i in range(8)]))
    assert sum(taken) == 1


def test_role_assignments_are_found_by_their_row(store: SqlStore) -> None:
    with store.transaction() as tx:
        before = tx.role_assignment_id(1, Role.COMMS)
        tx.assign_role(1, Role.COMMS, "U003", "U001", NOW)
        after = tx.role_assignment_id(1, Role.COMMS)
        assert before is not None and after is not None and after != before
        relieved, current = tx.role_assignment(before), tx.role_assignment(after)
        assert tx.role_assignment_id(1, Role.SCRIBE) is None
        assert tx.role_assignment(10_000) is None
    assert relieved is not None and relieved.ended_at == NOW
    assert current is not None
    assert (current.role, current.user_id, current.assigned_by) == (Role.COMMS, "U003", "U001")
