"""Waiting for Slack at start: capped exponential backoff on network failures, none on a refusal."""

from __future__ import annotations

from urllib.error import URLError

import pytest

from incidentbot.slack.startup import (
    Backoff,
    StoppedWaiting,
    TokenRefused,
    check_bot_token,
    wait_for_slack,
)
from tests.support.fake_slack import FakeSlack


class Waits(list[float]):
    """A sleeper that records each wait and returns at once, never told to stop."""

    def __call__(self, seconds: float) -> bool:
        self.append(seconds)
        return False


class Unreachable:
    """Fails like a closed port `times` times, then answers."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise URLError(ConnectionRefusedError(111, "Connection refused"))


def test_network_failures_wait_1_2_4_seconds_up_to_the_cap() -> None:
    waited = Waits()
    call = Unreachable(times=9)
    wait_for_slack(call, "http://slack.invalid/api/", Backoff(cap=60), waited)
    assert waited == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert call.calls == 10


def test_a_stop_while_waiting_ends_the_wait() -> None:
    call = Unreachable(times=5)
    with pytest.raises(StoppedWaiting):
        wait_for_slack(call, "http://slack.invalid/api/", Backoff(), lambda seconds: True)
    assert call.calls == 1


def test_the_log_says_where_what_failed_and_when_it_tries_again(caplog: pytest.LogCaptureFixture) -> None:
    wait_for_slack(Unreachable(times=1), "http://slack.invalid/api/", Backoff(), Waits())
    [line] = [r.getMessage() for r in caplog.records if "not reachable" in r.getMessage()]
    expected = "Slack not reachable at http://slack.invalid/api/ ([Errno 111] Connection refused)"
    assert line == f"{expected}; retrying in 1 s"


def test_a_refused_token_is_not_retried() -> None:
    waited = Waits()
    with FakeSlack() as slack:
        slack.refused_tokens.add("xoxb-gone")
        with pytest.raises(TokenRefused) as refused:
            check_bot_token("xoxb-gone", slack.url, Backoff(), waited)
        assert slack.count("auth.test") == 1
    assert refused.value.code == "invalid_auth" and waited == []


def test_slack_answering_5xx_is_waited_out_like_the_network() -> None:
    waited = Waits()
    with FakeSlack() as slack:
        slack.inject("auth.test", status=503, times=2)
        check_bot_token("xoxb-1", slack.url, Backoff(), waited)
        assert slack.count("auth.test") == 3
    assert waited == [1, 2]
