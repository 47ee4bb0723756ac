"""Work queued after an acknowledgement waits while other requests are still being acknowledged."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_bolt import BoltResponse

from incidentbot.slack.ack_first import AckFirst
from tests.support.harness import RunningBot


def test_quiet_when_nothing_is_being_answered() -> None:
    assert AckFirst().wait_for_quiet(0) is True


def test_quiet_only_once_nothing_has_been_answered_for_the_settle_time() -> None:
    gate = AckFirst(settle=0.05)
    with gate.answering():
        pass
    # The count touched zero between two requests of a burst: not quiet yet.
    assert gate.wait_for_quiet(0) is False
    started = time.monotonic()
    assert gate.wait_for_quiet(2) is True
    assert time.monotonic() - started >= 0.04


def test_a_request_arriving_while_work_waits_to_settle_restarts_the_wait() -> None:
    gate = AckFirst(settle=0.1)
    with gate.answering():
        pass
    results: list[bool] = []
    waiter = threading.Thread(target=lambda: results.append(gate.wait_for_quiet(2)))
    waiter.start()
    time.sleep(0.05)
    with gate.answering():
        time.sleep(0.05)  # one more request, answered after the first settle time would have ended
        assert results == []
    settled_from = time.monotonic()
    waiter.join()
    assert results == [True]
    assert time.monotonic() - settled_from >= 0.08


def test_waiting_work_gives_up_after_its_patience_while_requests_keep_coming() -> None:
    gate = AckFirst(settle=0)
    with gate.answering():
        assert gate.answering_now == 1
        assert gate.wait_for_quiet(0.01) is False
    assert gate.answering_now == 0
    assert gate.wait_for_quiet(0) is True


def test_quiet_only_once_every_overlapping_request_is_answered() -> None:
    gate = AckFirst(settle=0)
    first, second = gate.answering(), gate.answering()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gate.wait_for_quiet(0) is False
    second.__exit__(None, None, None)
    assert gate.wait_for_quiet(0) is True


def test_a_failing_request_still_counts_as_answered() -> None:
    gate = AckFirst(settle=0)
    try:
        with gate.answering():
            raise RuntimeError("listener blew up")
    except RuntimeError:
        pass
    assert gate.wait_for_quiet(0) is True


def test_work_after_an_ack_runs_once_the_requests_in_flight_are_answered(running: RunningBot) -> None:
    deps = running.bot.deps
    done = threading.Event()
    with deps.ack_first.answering():
        deps.later(None, "U001", done.set)
        assert not done.wait(0.3), "work ran while a request was still being acknowledged"
    assert done.wait(5)


def test_the_http_server_counts_the_request_it_is_answering(running: RunningBot) -> None:
    deps = running.bot.deps
    during: list[int] = []

    def peek(next: Callable[[], BoltResponse]) -> BoltResponse:
        during.append(deps.ack_first.answering_now)
        return next()

    running.bot.app.middleware(peek)
    assert running.client.command("help").status == 200
    assert during == [1]
    assert deps.ack_first.answering_now == 0


def test_a_background_thread_gives_way_and_a_foreground_one_does_not() -> None:
    gate = AckFirst(settle=0)
    waited: dict[str, float] = {}

    def call_slack(name: str, foreground: bool) -> None:
        if foreground:
            gate.mark_foreground()
        started = time.monotonic()
        gate.give_way(at_most=0.2)
        waited[name] = time.monotonic() - started

    with gate.answering():
        threads = [
            threading.Thread(target=call_slack, args=("listener", True)),
            threading.Thread(target=call_slack, args=("after-ack", False)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert waited["listener"] < 0.1
    assert waited["after-ack"] >= 0.19


def test_work_under_way_pauses_at_its_next_slack_call_while_a_request_is_answered(
    running: RunningBot,
) -> None:
    deps = running.bot.deps
    first_done, second_started = threading.Event(), threading.Event()
    may_go_on = threading.Event()

    def two_calls() -> None:
        deps.workspace.call("first", first_done.set)
        may_go_on.wait(5)
        deps.workspace.call("second", second_started.set)

    deps.later(None, "U001", two_calls)
    assert first_done.wait(5)
    with deps.ack_first.answering():
        may_go_on.set()
        assert not second_started.wait(0.3), "background work called Slack during an ack"
    assert second_started.wait(5)
