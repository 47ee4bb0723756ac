"""A running bot for end-to-end tests: real HTTP server, real database, fake Slack Web API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from incidentbot.clock import ManualClock
from incidentbot.config import Settings, TeamConfig
from incidentbot.kernel.outbox import CALLER_PREFIX
from incidentbot.kernel.reminders import FireReport, fire_due
from incidentbot.server import BackgroundServer
from incidentbot.store.tables import reminders
from incidentbot.wiring import Bot, build_bot
from tests.support.fake_slack import FakeSlack
from tests.support.signing import SlackClientForTests

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class RunningBot:
    bot: Bot
    slack: FakeSlack
    client: SlackClientForTests
    clock: ManualClock
    base_url: str

    @property
    def services(self) -> Any:
        return self.bot.services

    def incident(self, number: int = 1, team_id: str = "T0001") -> Any:
        with self.bot.services.store.transaction() as tx:
            return tx.incident_by_number(team_id, number)

    def fire_due(self, worker: str = "test-worker", *, callers_alive: bool = True) -> FireReport:
        """Deliver due reminders now, as the scheduler's next tick would (tests move `clock` first).

        `callers_alive=False` is for a test whose process "died" after recording: the rows its
        threads leased when they wrote them will never be sent by them, so there is nothing to
        wait for; the scheduler takes them once their leases run out on the test's clock.
        """
        if callers_alive:
            self.settle()
        return fire_due(self.bot.services, worker)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot's own threads are delivering no outbox row.

        Their leases run on the test's clock, so a jump of `clock` ends them at once: firing then
        would let the scheduler take a row the bot is still sending. A row a thread is about to
        send is seen here only because the thread writes it already leased to itself: a row written
        unleased and claimed after the commit would look idle in between, and the scheduler's tick
        right after `settle` could find it claimed, leaving nothing sent when the test looks.
        """
        busy = (
            select(func.count())
            .select_from(reminders)
            .where(reminders.c.state == "pending", reminders.c.claimed_by.like(f"{CALLER_PREFIX}%"))
        )
        deadline = time.monotonic() + timeout
        while True:
            with self.bot.engine.connect() as db:
                if not db.execute(busy).scalar_one():
                    return
            if time.monotonic() > deadline:
                raise AssertionError("the bot kept delivering outbox rows")
            time.sleep(0.01)


@contextmanager
def running_bot(
    slack: FakeSlack,
    database_url: str,
    clock: ManualClock,
    team: TeamConfig | None = None,
    **more_settings: Any,
) -> Iterator[RunningBot]:
    """`more_settings`: further settings, as the environment would give them (`status_page_dir=…`)."""
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.url,
        database_url=database_url,
        port=3000,
        **more_settings,
    )
    bot = build_bot(settings, team or TeamConfig(), clock=clock)
    bot.deps.workspace.pacer._interval = 0.0  # tests post many messages to one channel at once
    server = BackgroundServer(bot).start()
    base_url = f"http://127.0.0.1:{server.port}"
    try:
        yield RunningBot(
            bot,
            slack,
            SlackClientForTests(base_url, SIGNING_SECRET, directory=slack.directory),
            clock,
            base_url,
        )
    finally:
        server.stop()
        bot.close()
