"""A channel's pace, and a timed delivery that does not sleep through a long wait for its turn:
it books the turn and goes back to the queue until then, leaving its thread to the rows due."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.ports import NewReminder
from incidentbot.clock import ManualClock
from incidentbot.incident.policy import Policy
from incidentbot.kernel import reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.slack.pacing import ChannelPacer
from tests.support.memory import MemoryStore, RecordingWorkspace

CHANNEL, TIMED, BULK = "C0DRILL", "timed_post", "bulk_post"


class Clock:
    """The pacer's monotonic clock and its sleep, both in the test's hands."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def _pacer(clock: Clock, interval: float = 1.0) -> ChannelPacer:
    return ChannelPacer(interval, sleep=clock.sleep, monotonic=lambda: clock.now)


def test_a_turn_further_off_than_the_patience_is_booked_and_kept_for_whoever_comes_back() -> None:
    clock = Clock()
    pacer = _pacer(clock)
    for _ in range(5):
        pacer.wait(CHANNEL)  # five set-up messages: the channel's next turn is 4 s away
    assert clock.slept == [1.0, 1.0, 1.0, 1.0]
    clock.now -= 4.0
    assert pacer.book(CHANNEL, "reminder:7", within=1.0) == 5.0
    assert pacer.book(CHANNEL, "reminder:7", within=1.0) == 5.0, "the same turn, not another one"
    pacer.wait(CHANNEL)  # the next message takes the turn after the booked one
    assert clock.slept[-1] == 6.0
    clock.now -= 6.0
    clock.now += 4.5
    assert pacer.book(CHANNEL, "reminder:7", within=1.0) == 0.0, "its turn is near: it waits for it"
    assert clock.slept[-1] == 0.5


def test_a_turn_in_a_quiet_channel_is_taken_at_once() -> None:
    clock = Clock()
    pacer = _pacer(clock)
    assert pacer.book(CHANNEL, "reminder:1", within=1.0) == 0.0
    assert clock.slept == []


class Lane:
    def __init__(self, pacer: ChannelPacer) -> None:
        self.pacer = pacer
        self.posted: list[int] = []
        self.turns: list[tuple[str, float] | None] = []

    def timed(self, _: Services, row: Reminder) -> None:
        self.pacer.take_turn(CHANNEL)
        self.posted.append(row.id)
        self.pacer.take_turn(CHANNEL)  # a second message of one delivery waits its turn asleep

    def bulk(self, _: Services, row: Reminder) -> None:
        self.turns.append(reminders.waiting_turn())
        self.pacer.take_turn(CHANNEL)


def _services(lane: Lane) -> Services:
    registry = Registry()
    registry.add_delivery(TIMED, lane.timed, timed=True)
    registry.add_delivery(BULK, lane.bulk)
    return Services(
        store=MemoryStore(),
        workspace=RecordingWorkspace(),
        policy=Policy(),
        clock=ManualClock(),
        handlers=registry,
        timed_kinds=registry.timed_kinds,
    )


def _add(services: Services, kind: str) -> int:
    with services.store.transaction() as tx:
        row = tx.add_reminder(NewReminder(kind=kind, due_at=services.clock.now()))
    assert row is not None
    return row.id


def _row(services: Services, row_id: int) -> Reminder:
    assert isinstance(services.store, MemoryStore)
    return services.store.reminder_rows[row_id]


def test_a_timed_delivery_whose_turn_is_far_goes_back_to_the_queue_until_then() -> None:
    clock = Clock()
    lane = Lane(_pacer(clock))
    services = _services(lane)
    assert isinstance(services.clock, ManualClock)
    for _ in range(9):
        lane.pacer.wait(CHANNEL)  # the set-up's messages hold the channel's next 8 s
    clock.now -= sum(clock.slept)
    clock.slept.clear()
    row_id = _add(services, TIMED)
    report = reminders.fire_timed(services, "w/timed", parallel=2)
    assert (report.delivered, report.retried, lane.posted, clock.slept) == (0, 1, [], [])
    waiting = _row(services, row_id)
    assert waiting.state is ReminderState.PENDING and waiting.claimed_by is None
    assert waiting.claimed_until == services.clock.now() + timedelta(seconds=8), "back 1 s before its turn"
    assert "turn to post comes in 9.0 s" in (waiting.last_error or "")
    # Back when its turn is near: it takes the turn it booked.
    services.clock.advance(timedelta(seconds=8))
    clock.now += 8.2
    report = reminders.fire_timed(services, "w/timed", parallel=2)
    assert (report.delivered, lane.posted) == (1, [row_id])
    assert clock.slept == [0.8, 1.0], "its booked turn, then the next one for its second message"


def test_only_the_timed_lane_books_turns() -> None:
    clock = Clock()
    lane = Lane(_pacer(clock))
    services = _services(lane)
    _add(services, BULK)
    assert reminders.fire_due(services, "w", parallel=2).delivered == 1
    assert lane.turns == [None]
    assert reminders.waiting_turn() is None, "nothing is left on the test's own thread"
