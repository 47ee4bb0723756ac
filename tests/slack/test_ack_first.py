"""Work queued after an acknowledgement waits while other requests are still being acknowledged."""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_bolt import BoltResponse

from incidentbot.slack.ack_first import AckFirst
from tests.support.harness import RunningBot


def test_quiet_when_nothing_is_being_answered() -> None:
    assert AckFirst().wait_for_quiet(0) is True


def test_waiting_work_gives_up_after_its_patience_while_requests_keep_coming() -> None:
    gate = AckFirst()
    with gate.answering():
        assert gate.answering_now == 1
        assert gate.wait_for_quiet(0.01) is False
    assert gate.answering_now == 0
    assert gate.wait_for_quiet(0) is True


def test_quiet_only_once_every_overlapping_request_is_answered() -> None:
    gate = AckFirst()
    first, second = gate.answering(), gate.answering()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gate.wait_for_quiet(0) is False
    second.__exit__(None, None, None)
    assert gate.wait_for_quiet(0) is True


def test_a_failing_request_still_counts_as_answered() -> None:
    gate = AckFirst()
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
