"""Steps for `kill -9` tests: a burst of signed requests, the kill, and the restart taking over."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from tests.e2e.helpers import wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.processes import BotProcess
from tests.support.signing import Response, SlackClientForTests

FAST_TICKS = {"REMINDER_INTERVAL_SECONDS": "0.2"}
"""Due work is looked for often, so the restarted process takes over without a long wait."""
Send = Callable[[int], Response | None]


@dataclass
class Bot:
    """One bot process on a database that outlives it, and a client signing requests to it."""

    url: str
    engine: Engine
    process: BotProcess
    client: SlackClientForTests

    # A process starting on a busy machine (migrations, then the first answer) may take longer
    # than the 30 s a single process is usually given.
    @classmethod
    def start(cls, slack: FakeSlack, url: str, engine: Engine, log: Path) -> Bot:
        process = BotProcess(slack.url, url, SIGNING_SECRET, log, **FAST_TICKS).start(timeout=120)
        return cls(url, engine, process, SlackClientForTests(process.base_url, SIGNING_SECRET))

    def restart(self, slack: FakeSlack, log: Path) -> None:
        # Kept before it starts, so the test's teardown stops it even if it never answers.
        self.process = BotProcess(slack.url, self.url, SIGNING_SECRET, log, **FAST_TICKS)
        self.process.start(timeout=120)
        self.client = SlackClientForTests(self.process.base_url, SIGNING_SECRET)


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
        bot.process.kill()
        return [future.result() for future in futures]


def answered(responses: list[Response | None]) -> set[int]:
    return {i for i, answer in enumerate(responses) if answer is not None and answer.status == 200}


def take_over_now(engine: Engine) -> None:
    """Called while no process runs: the restarted one would leave a row to the thread that wrote
    it for 10 s, and one the dead process had claimed until its 60 s lease runs out; moving
    `claimed_until` into the past stands in for waiting that long on the real clock."""
    with engine.begin() as db:
        db.execute(
            text("UPDATE reminders SET claimed_until = now() - interval '1 second' WHERE state = 'pending'")
        )
