"""The timed lane: an inject or a nag goes out on time while every thread of the main tick is busy
with slow bulk work, and still once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from incidentbot.cadence.ports import NewReminder
from incidentbot.clock import ManualClock
from incidentbot.incident.policy import Policy
from incidentbot.kernel import reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.scheduler import ReminderScheduler
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.memory_messages import recording_messages

BULK, TIMED = "bulk_setup", "timed_post"


class Lanes:
    def __init__(self) -> None:
        self.release_bulk = threading.Event()
        self.bulk_started = threading.Semaphore(0)
        self.delivered: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()

    def bulk(self, _: Services, row: Reminder) -> None:
        self.bulk_started.release()
        assert self.release_bulk.wait(10), "the test never let the bulk work finish"
        self._count(row)

    def timed(self, _: Services, row: Reminder) -> None:
        self._count(row)

    def _count(self, row: Reminder) -> None:
        with self._lock:
            self.delivered[(row.kind, row.subject_id or 0)] += 1


def _services(lanes: Lanes) -> Services:
    registry = Registry()
    registry.add_delivery(BULK, lanes.bulk)
    registry.add_delivery(TIMED, lanes.timed, timed=True)
    return Services(
        store=MemoryStore(),
        workspace=(workspace := RecordingWorkspace()),
        messages=recording_messages(workspace),
        policy=Policy(),
        clock=ManualClock(),
        handlers=registry,
        timed_kinds=registry.timed_kinds,
    )


def _add(services: Services, kind: str, subject: int) -> None:
    with services.store.transaction() as tx:
        tx.add_reminder(NewReminder(kind=kind, due_at=services.clock.now(), subject_id=subject))


def test_a_timed_row_goes_out_while_every_main_thread_is_busy_with_bulk_work() -> None:
    lanes = Lanes()
    services = _services(lanes)
    for subject in range(4):
        _add(services, BULK, subject)
    main = threading.Thread(target=reminders.fire_due, args=(services, "main"), kwargs={"parallel": 2})
    main.start()
    try:
        for _ in range(2):
            assert lanes.bulk_started.acquire(timeout=10)
        # Both main threads are held by set-up work; an inject comes due.
        _add(services, TIMED, 1)
        report = reminders.fire_timed(services, "main/timed", parallel=2)
        assert report.delivered == 1
        assert lanes.delivered == {(TIMED, 1): 1}, "no bulk row finished before it"
    finally:
        lanes.release_bulk.set()
        main.join(10)
    assert lanes.delivered == {**{(BULK, n): 1 for n in range(4)}, (TIMED, 1): 1}


def test_the_timed_lane_takes_only_timed_rows() -> None:
    lanes = Lanes()
    lanes.release_bulk.set()
    services = _services(lanes)
    _add(services, BULK, 1)
    _add(services, TIMED, 2)
    assert reminders.fire_timed(services, "timed").delivered == 1
    assert lanes.delivered == {(TIMED, 2): 1}
    assert reminders.fire_due(services, "main").delivered == 1
    assert reminders.fire_timed(services, "timed").delivered == 0
    assert lanes.delivered == {(TIMED, 2): 1, (BULK, 1): 1}


def test_the_scheduler_runs_the_timed_lane_beside_its_tick_under_a_lease_name_of_its_own() -> None:
    lanes = Lanes()
    lanes.release_bulk.set()
    services = _services(lanes)
    scheduler = ReminderScheduler(services, interval_seconds=0.05, parallel=4, worker_id="host:1:abc")
    assert (scheduler.timed_parallel, scheduler.timed_worker_id) == (4, "host:1:abc/timed")
    _add(services, TIMED, 1)
    scheduler.timed_tick()
    assert lanes.delivered == {(TIMED, 1): 1}
    assert isinstance(services.store, MemoryStore)
    [row] = [r for r in services.store.reminder_rows.values() if r.kind == TIMED]
    assert row.claimed_by == "host:1:abc/timed"
    assert ReminderScheduler(services, parallel=1).timed_parallel == 0, "SQLite: one thread, no lane"


SLOW_TIMED = "slow_timed_post"


def _lane_with_a_slow_timed_kind(lanes: Lanes) -> Services:
    services = _services(lanes)
    assert isinstance(services.handlers, Registry)
    services.handlers.add_delivery(SLOW_TIMED, lanes.bulk, timed=True)
    return replace(services, timed_kinds=services.handlers.timed_kinds)


def _wait_until(predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def test_a_row_due_while_a_slow_delivery_is_under_way_goes_out_without_waiting_for_it() -> None:
    lanes = Lanes()
    services = _lane_with_a_slow_timed_kind(lanes)
    _add(services, SLOW_TIMED, 1)
    lane = threading.Thread(target=reminders.fire_timed, args=(services, "w/timed"), kwargs={"parallel": 2})
    lane.start()
    try:
        assert lanes.bulk_started.acquire(timeout=10)
        # A nag held up by Slack's Retry-After; meanwhile an inject comes due.
        assert isinstance(services.clock, ManualClock)
        services.clock.advance(timedelta(seconds=6))
        _add(services, TIMED, 2)
        _wait_until(lambda: lanes.delivered[(TIMED, 2)] == 1, "the inject is delivered")
        assert (SLOW_TIMED, 1) not in lanes.delivered, "it went out while the slow one was under way"
    finally:
        lanes.release_bulk.set()
        lane.join(10)
    assert lanes.delivered == {(SLOW_TIMED, 1): 1, (TIMED, 2): 1}


def test_a_busy_lane_leaves_the_rows_it_cannot_start_at_once_to_other_workers() -> None:
    lanes = Lanes()
    services = _services(lanes)
    for subject in range(3):
        _add(services, BULK, subject)
    main = threading.Thread(target=reminders.fire_due, args=(services, "main"), kwargs={"parallel": 2})
    main.start()
    other: threading.Thread | None = None
    try:
        for _ in range(2):
            assert lanes.bulk_started.acquire(timeout=10)
        assert isinstance(services.store, MemoryStore)
        [third] = [r for r in services.store.reminder_rows.values() if r.claimed_by is None]
        # Held by nobody, so another process (or the timed lane, for a timed row) starts it now
        # rather than after one of the two slow deliveries.
        other = threading.Thread(target=reminders.fire_due, args=(services, "other"))
        other.start()
        assert lanes.bulk_started.acquire(timeout=10), "another worker started it"
    finally:
        lanes.release_bulk.set()
        main.join(10)
        if other is not None:
            other.join(10)
    assert lanes.delivered == {(BULK, n): 1 for n in range(3)}
    assert services.store.reminder_rows[third.id].claimed_by == "other"
