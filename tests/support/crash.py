"""A real bot process for `kill -9` tests: started on a PostgreSQL database of its own that
outlives it, killed, and restarted on that database to take over what the dead one left."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

FAST_TICKS = {"REMINDER_INTERVAL_SECONDS": "0.2"}
"""Due work is looked for often, so the restarted process takes over without a long wait."""
NORMAL_TICKS: Mapping[str, str] = {}
"""The scheduler at its usual interval, as a deployed bot runs it."""
START_TIMEOUT = 120
"""A process starting on a busy machine (migrations, then the first answer) may take longer than
the 30 s a single process is usually given."""


@dataclass
class Bot:
    """One bot process on a database that outlives it, and a client signing requests to it."""

    url: str
    engine: Engine
    process: BotProcess
    client: SlackClientForTests
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def start(
        cls, slack: FakeSlack, url: str, engine: Engine, log: Path, env: Mapping[str, str] = FAST_TICKS
    ) -> Bot:
        process = BotProcess(slack.url, url, SIGNING_SECRET, log, **env).start(timeout=START_TIMEOUT)
        return cls(url, engine, process, SlackClientForTests(process.base_url, SIGNING_SECRET), env)

    def kill(self) -> None:
        self.process.kill()

    def restart(self, slack: FakeSlack, log: Path) -> None:
        # Kept before it starts, so the test's teardown stops it even if it never answers.
        self.process = BotProcess(slack.url, self.url, SIGNING_SECRET, log, **self.env)
        self.process.start(timeout=START_TIMEOUT)
        self.client = SlackClientForTests(self.process.base_url, SIGNING_SECRET)

    def take_over_and_restart(self, slack: FakeSlack, log: Path) -> None:
        """Restart once the dead process's claims are released (`take_over_now`)."""
        take_over_now(self.engine)
        self.restart(slack, log)


@contextmanager
def own_database(postgres: ThrowawayPostgres) -> Iterator[tuple[str, Engine]]:
    """A new database on the shared server, and an engine the test reads it with."""
    url = postgres.create_database()
    engine = create_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()


@contextmanager
def bot_on_own_database(
    postgres: ThrowawayPostgres, slack: FakeSlack, logs: Path, env: Mapping[str, str] = FAST_TICKS
) -> Iterator[Bot]:
    """A bot process started on a database of its own, stopped (whichever process runs by then)
    when the block exits."""
    with own_database(postgres) as (url, engine):
        bot = Bot.start(slack, url, engine, logs / "bot.log", env)
        try:
            yield bot
        finally:
            bot.process.stop()


def take_over_now(engine: Engine) -> None:
    """The restarted process would leave a row to the thread that wrote it for 10 s, and one the
    dead process had claimed until its 60 s lease runs out; moving `claimed_until` into the past
    stands in for waiting that long on the real clock.

    Run while a restarted process works, this statement can deadlock with it on the reminders'
    rows; PostgreSQL then aborts one side, and when that is this statement it is run again.
    """
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            with engine.begin() as db:
                db.execute(text(TAKE_OVER))
            return
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != DEADLOCK or attempt == DEADLOCK_ATTEMPTS - 1:
                raise


TAKE_OVER = "UPDATE reminders SET claimed_until = now() - interval '1 second' WHERE state = 'pending'"
DEADLOCK = "40P01"
"""PostgreSQL's `deadlock_detected`."""
DEADLOCK_ATTEMPTS = 5
