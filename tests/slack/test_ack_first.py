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
