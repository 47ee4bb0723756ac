"""A restart, a worker killed holding an inject, or a second replica: no inject lost, none doubled."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.drills import deliver as drill_delivery
from incidentbot.drills import kinds
from incidentbot.drills.sql_store import drills_of
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.reminders import LEASE, claim, deliver
from tests.drills.helpers import advance, drill_run, injects_posted, start_drill
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


def test_a_restart_mid_drill_loses_and_doubles_no_inject(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    with running_bot(slack, database_url, clock) as first:
        incident = start_drill(first)
        advance(first, 4)
        assert injects_posted(first, incident.channel_id) == [1, 2]
        # Inject 3 comes due, and a worker takes it and dies before posting it.
        clock.advance(timedelta(seconds=4))
        first.settle()
        taken = claim(first.services, "killed-worker")
        assert [row.kind for row in taken] == [kinds.INJECT]
    _restarted_takes_over_after_the_lease(slack, database_url, clock, incident, before=[1, 2])


def _restarted_takes_over_after_the_lease(
    slack: FakeSlack, database_url: str, clock: ManualClock, incident: Any, before: list[int]
) -> None:
    """A new process leaves the dead worker's inject alone until its lease runs out, then posts
    it and the rest of the scenario, each once, and the drill ends."""
    with running_bot(slack, database_url, clock) as second:
        advance(second, 1)
        assert injects_posted(second, incident.channel_id) == before, "the dead worker's lease holds"
        clock.advance(LEASE)
        advance(second, 0)
        assert injects_posted(second, incident.channel_id) == [1, 2, 3, 4, 5, 6, 7]
        advance(second, 60)
        assert drill_run(second, incident.id).ended_at is not None
        assert injects_posted(second, incident.channel_id) == [1, 2, 3, 4, 5, 6, 7]


class Killed(BaseException):
    """The process dies: nothing after this point runs, no handler catches it."""


def _killed(*_: object) -> bool:
    raise Killed


def test_an_inject_slack_took_before_its_worker_died_is_not_posted_again(
    slack: FakeSlack, database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_bot(slack, database_url, clock) as first:
        incident = start_drill(first)
        advance(first, 4)
        assert injects_posted(first, incident.channel_id) == [1, 2]
        clock.advance(timedelta(seconds=4))
        first.settle()
        [taken] = claim(first.services, "killed-worker")
        # Slack takes inject 3; the process is killed before the done mark is committed.
        monkeypatch.setattr(drill_delivery, "complete", _killed)
        with pytest.raises(Killed):
            first.services.handlers[kinds.INJECT](first.services, taken)
        monkeypatch.undo()
        assert injects_posted(first, incident.channel_id) == [1, 2, 3]
    _restarted_takes_over_after_the_lease(slack, database_url, clock, incident, before=[1, 2, 3])
    # The one taken over was looked for in the channel first; the others were just posted.
    assert len(slack.ok_calls_to("conversations.history")) >= 1


def test_an_inject_whose_answer_never_came_is_looked_for_before_it_is_posted_again(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    with running_bot(slack, database_url, clock) as running:
        incident = start_drill(running)
        advance(running, 4)
        assert injects_posted(running, incident.channel_id) == [1, 2]
        clock.advance(timedelta(seconds=4))
        running.settle()
        [taken] = claim(running.services, "worker")
        post = running.services.workspace.post

        def posted_then_lost(channel: str, text: str, *args: object, **kw: object) -> str:
            post(channel, text, *args, **kw)  # type: ignore[arg-type]
            raise SlackUnavailable("chat.postMessage: TimeoutError")

        running.services.workspace.post = posted_then_lost  # type: ignore[method-assign]
        try:
            report = deliver(running.services, taken, running.services.handlers)
        finally:
            del running.services.workspace.post
        assert report.retried == 1
        assert injects_posted(running, incident.channel_id) == [1, 2, 3]
        advance(running, 5)  # the retry after the backoff, and inject 4 on time
        assert injects_posted(running, incident.channel_id) == [1, 2, 3, 4]


def test_the_scenario_end_waits_for_an_inject_a_dead_worker_still_holds(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    with running_bot(slack, database_url, clock) as running:
        incident = start_drill(running)
        with running.services.store.transaction() as tx:
            numbers = [inject.number for inject in drills_of(tx).injects(incident.id)]
            last = drills_of(tx).injects(incident.id)[-1]
        clock.advance(last.due_at - clock.now() - timedelta(seconds=1))
        running.fire_due()
        assert injects_posted(running, incident.channel_id) == numbers[:-1]
        clock.advance(timedelta(seconds=1))
        running.settle()
        # The last inject is taken by a worker that dies before posting it.
        assert [row.kind for row in claim(running.services, "killed-worker")] == [kinds.INJECT]
        ends_at = drill_run(running, incident.id).ends_at
        clock.advance(ends_at - clock.now())
        running.fire_due()
        assert drill_run(running, incident.id).ended_at is None, "the end waits for the last inject"
        clock.advance(LEASE)
        advance(running, 0)
        advance(running, 10)
        assert injects_posted(running, incident.channel_id) == numbers
        assert drill_run(running, incident.id).ended_at is not None


def test_two_replicas_deliver_each_inject_once(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    slack.latency = 0.005  # each post takes a moment, so both replicas find work at once
    with running_bot(slack, database_url, clock) as one, running_bot(slack, database_url, clock) as two:
        incident = start_drill(one)
        for _ in range(7):
            clock.advance(timedelta(seconds=4))
            _fire_together(one, two)
        assert injects_posted(one, incident.channel_id) == [1, 2, 3, 4, 5, 6, 7]
        clock.advance(timedelta(seconds=60))
        _fire_together(one, two)
        assert drill_run(one, incident.id).ended_at is not None
        scorecards = [t for t in _texts(one, incident.channel_id) if "Drill scorecard" in t]
        assert len(scorecards) == 1


def _fire_together(*replicas: RunningBot) -> None:
    for replica in replicas:
        replica.settle()
    threads = [
        threading.Thread(target=replica.fire_due, args=(f"replica-{i}",))
        for i, replica in enumerate(replicas)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _texts(running: RunningBot, channel: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in running.slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == channel
    ]
