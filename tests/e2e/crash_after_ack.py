"""`kill -9` right after Slack's ack: the bot is stopped between acknowledging a request and
applying it, then restarted on the same database.

The test holds a lock that blocks writes to the table the request's effect goes to (reads pass),
so the process answers Slack, starts applying, and waits on that lock; it is killed there, the
lock is released, and a new process must apply the request from what was committed before the
ack. No clock is waited on: the pause is a lock, and the restarted process's leases are moved
into the past instead of run out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, rows
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import Response, SlackClientForTests

Send = Callable[[SlackClientForTests], Response]
START_TIMEOUT = 120
"""Seconds a process may take to start (migrations, then its first answer) on a busy machine."""


@dataclass
class Scene:
    engine: Engine
    url: str
    incident_id: int
    channel: str
    bot: BotProcess
    client: SlackClientForTests
    logs: Path
    env: dict[str, str] = field(default_factory=dict)
    """What the bot's environment adds (a team config file), for the restarted process too."""

    def restart(self, slack: FakeSlack) -> None:
        log = self.logs / "restarted.log"
        self.bot = BotProcess(slack.url, self.url, SIGNING_SECRET, log, **self.env).start(START_TIMEOUT)
        self.client = SlackClientForTests(self.bot.base_url, SIGNING_SECRET)


@contextmanager
def scene_on(postgres: ThrowawayPostgres, slack: FakeSlack, logs: Path, **env: str) -> Iterator[Scene]:
    """A scene on a database of its own, stopped and closed when the test is done (a fixture's body)."""
    url = postgres.create_database()
    engine = create_engine(url)
    current = start_scene(engine, url, slack, logs, **env)
    try:
        yield current
    finally:
        current.bot.stop()
        engine.dispose()


def start_scene(engine: Engine, url: str, slack: FakeSlack, logs: Path, **env: str) -> Scene:
    """A bot process with an incident declared and set up, ready for the request under test."""
    bot = BotProcess(slack.url, url, SIGNING_SECRET, logs / "bot.log", **env).start(START_TIMEOUT)
    client = SlackClientForTests(bot.base_url, SIGNING_SECRET)
    incident_id, channel = declare_ready(engine, client, "Checkout failing for EU customers")
    return Scene(engine, url, incident_id, channel, bot, client, logs, env)


@contextmanager
def writes_held(engine: Engine, table: str) -> Iterator[None]:
    """Block every write to `table` (EXCLUSIVE lets reads through) until the block exits."""
    with engine.connect() as db:
        db.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        yield
        db.rollback()


def waiting_on_a_lock(engine: Engine) -> bool:
    return bool(rows(engine, "SELECT 1 FROM pg_locks WHERE NOT granted"))


def kill_right_after_ack(scene: Scene, slack: FakeSlack, table: str, send: Send) -> Response | None:
    """Send the request; once the bot is applying it (blocked writing `table`), `kill -9` it,
    then restart it with the dead process's claims released. Returns Slack's answer, if any."""
    with ThreadPoolExecutor(1) as pool, writes_held(scene.engine, table):
        answer = pool.submit(_sent, send, scene.client)
        try:
            wait_until(lambda: waiting_on_a_lock(scene.engine), timeout=30)
        except AssertionError:
            got = answer.result() if answer.done() else None
            raise AssertionError(
                f"never began applying; Slack got {got and (got.status, got.body)!r}"
            ) from None
        scene.bot.kill()
        answered = answer.result()
    # Before the restart: while no process runs, the update races no claim of the new one.
    take_over_now(scene.engine)
    scene.restart(slack)
    return answered


def _sent(send: Send, client: SlackClientForTests) -> Response | None:
    try:
        return send(client)
    except OSError:
        return None  # killed before answering: Slack shows the person an error


def take_over_now(engine: Engine) -> None:
    """The restarted process leaves a row to the thread that claimed it until its 60 s lease runs
    out; moving `claimed_until` into the past stands in for waiting that long."""
    with engine.begin() as db:
        db.execute(
            text("UPDATE reminders SET claimed_until = now() - interval '1 second' WHERE state = 'pending'")
        )


def settled(engine: Engine) -> bool:
    """Nothing left to apply or send (nags and reminders for later aside)."""
    pending = rows(
        engine,
        "SELECT kind FROM reminders WHERE state = 'pending' AND due_at <= now() "
        "AND kind NOT IN ('nag', 'nag_notice', 'escalation', 'action_overdue')",
    )
    return not pending


def posts(slack: FakeSlack, channel: str, needle: str) -> int:
    calls = slack.ok_calls_to("chat.postMessage")
    return sum(1 for c in calls if c.args["channel"] == channel and needle in str(c.args.get("text")))


def ephemerals(slack: FakeSlack, user: str, needle: str) -> int:
    calls = slack.ok_calls_to("chat.postEphemeral")
    return sum(1 for c in calls if c.args["user"] == user and needle in str(c.args.get("text")))
