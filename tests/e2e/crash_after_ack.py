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
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, rows
from tests.support.crash import NORMAL_TICKS, Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

Send = Callable[[SlackClientForTests], Response]


@dataclass
class Scene:
    bot: Bot
    incident_id: int
    channel: str
    logs: Path

    @property
    def engine(self) -> Engine:
        return self.bot.engine

    @property
    def client(self) -> SlackClientForTests:
        return self.bot.client

    def restart(self, slack: FakeSlack) -> None:
        self.bot.restart(slack, self.logs / "restarted.log")

    def take_over_and_restart(self, slack: FakeSlack) -> None:
        self.bot.take_over_and_restart(slack, self.logs / "restarted.log")


@contextmanager
def scene_on(postgres: ThrowawayPostgres, slack: FakeSlack, logs: Path, **env: str) -> Iterator[Scene]:
    """A scene on a database of its own, stopped when the test is done (a fixture's body); `env`
    adds to the bot's environment (a team config file), for the restarted process too."""
    with bot_on_own_database(postgres, slack, logs, {**NORMAL_TICKS, **env}) as bot:
        yield start_scene(bot, logs)


def start_scene(bot: Bot, logs: Path) -> Scene:
    """An incident declared and set up; the bot runs the scheduler at its usual interval
    (`NORMAL_TICKS`): only the lock and the restart decide what happens when."""
    incident_id, channel = declare_ready(bot.engine, bot.client, "Checkout failing for EU customers")
    return Scene(bot, incident_id, channel, logs)


@contextmanager
def writes_held(engine: Engine, table: str) -> Iterator[None]:
    """Block every write to `table` (EXCLUSIVE lets reads through) until the block exits."""
    with engine.connect() as db:
        db.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        yield
        db.rollback()


@contextmanager
def outbox_rows_held(engine: Engine, kind: str) -> Iterator[None]:
    """Block the insert of every reminders row of `kind` until the block exits.

    For a command whose only effect is a message owed: its outbox row goes to the table its journal
    row is in, so a table lock would hold the journal row before the ack too. A trigger on this
    test's own database makes the insert of that one kind wait on an advisory lock the test holds;
    the rest of the table is written as usual.
    """
    with engine.begin() as db:
        db.execute(text(_HOLD_FUNCTION))
        db.execute(
            text(
                f"CREATE TRIGGER held_outbox_rows BEFORE INSERT ON reminders FOR EACH ROW "
                f"WHEN (NEW.kind = '{kind}') EXECUTE FUNCTION held_outbox_row()"
            )
        )
    try:
        with engine.connect() as db:
            db.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _HOLD_KEY})
            try:
                yield
            finally:
                db.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _HOLD_KEY})
                db.commit()
    finally:
        with engine.begin() as db:
            db.execute(text("DROP TRIGGER held_outbox_rows ON reminders"))
            db.execute(text("DROP FUNCTION held_outbox_row()"))


_HOLD_KEY = 7_000_001
_HOLD_FUNCTION = f"""
CREATE FUNCTION held_outbox_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({_HOLD_KEY});
    RETURN NEW;
END $$
"""


def waiting_on_a_lock(engine: Engine) -> bool:
    return bool(rows(engine, "SELECT 1 FROM pg_locks WHERE NOT granted"))


def kill_right_after_ack(
    scene: Scene, slack: FakeSlack, table: str, send: Send, dead: Callable[[], None] | None = None
) -> Response | None:
    """Send the request; once the bot is applying it (blocked writing `table`), `kill -9` it,
    then restart it with the dead process's claims released. Returns Slack's answer, if any.

    `dead` runs while no process is running, after the kill and before the restart: what it
    finds is what the killed process left."""
    return kill_while_held(scene, slack, writes_held(scene.engine, table), send, dead)


def kill_while_held(
    scene: Scene,
    slack: FakeSlack,
    hold: AbstractContextManager[None],
    send: Send,
    dead: Callable[[], None] | None = None,
) -> Response | None:
    """As `kill_right_after_ack`, the bot held by `hold` (`writes_held`, `outbox_rows_held`)."""
    with ThreadPoolExecutor(1) as pool, hold:
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
    if dead is not None:
        dead()
    # Released before the restart: while no process runs, the update races no claim of the new one.
    scene.take_over_and_restart(slack)
    return answered


def _sent(send: Send, client: SlackClientForTests) -> Response | None:
    try:
        return send(client)
    except OSError:
        return None  # killed before answering: Slack shows the person an error


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
