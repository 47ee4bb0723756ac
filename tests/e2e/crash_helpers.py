"""Steps for `kill -9` tests: a burst of signed requests from many threads, and the kill.

The bot process, its restart and the take-over are in `tests/support/crash.py`."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.helpers import wait_until
from tests.support.crash import Bot
from tests.support.signing import Response

Send = Callable[[int], Response | None]


def unanswered_is_none(send: Send) -> Send:
    def sending(index: int) -> Response | None:
        try:
            return send(index)
        except OSError:
            return None  # the process died before answering: Slack shows the person an error

    return sending


def burst_then_kill(bot: Bot, send: Send, count: int, kill_after_answers: int = 3) -> list[Response | None]:
    """Send `count` requests from 8 threads and `kill -9` the bot once a few were acknowledged."""
    sending = unanswered_is_none(send)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(sending, index) for index in range(count)]
        wait_until(lambda: sum(f.done() for f in futures) >= kill_after_answers, timeout=30)
        bot.kill()
        return [future.result() for future in futures]


def answered(responses: list[Response | None]) -> set[int]:
    return {i for i, answer in enumerate(responses) if answer is not None and answer.status == 200}
