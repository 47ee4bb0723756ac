"""`kill -9` after a commit that wrote messages leased to the thread sending them, before Slack took
them: once the dead process's leases have run out, a restart (or either of two replicas) sends
every message exactly once.

The unit of work writes the declaration's setup leased to the caller, and the setup writes the
role holders' checklist DMs leased to itself: no transaction claims them before they are sent.
Slack is made to hold the first call that follows the commit, the bot is killed while it waits,
and the held call is dropped unapplied, as when a process dies before its request goes out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.e2e.helpers import declare_state, wait_until
from tests.e2e.process_helpers import rows
from tests.support.crash import START_TIMEOUT, own_database, take_over_now
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres
TITLE = "Checkout failing for EU customers"
HOLDERS = ("U002", "U003")


@pytest.fixture
def database(postgres_server: ThrowawayPostgres) -> Iterator[tuple[str, Engine]]:
    with own_database(postgres_server) as found:
        yield found


def _is_checklist(args: dict[str, Any]) -> bool:
    return args.get("channel") in HOLDERS


def _kill_while_held(
    url: str, slack: FakeSlack, logs: Path, method: str, when: Callable[[dict[str, Any]], bool]
) -> None:
    """Declare with two roles named; kill -9 the bot while Slack holds its first matching call."""
    slack.holds.hold(method, when)
    bot = BotProcess(slack.url, url, SIGNING_SECRET, logs / "killed.log").start(timeout=START_TIMEOUT)
    try:
        client = SlackClientForTests(bot.base_url, SIGNING_SECRET)
        answer = client.submit("declare_incident", declare_state(title=TITLE, comms="U002", scribe="U003"))
        assert answer.status == 200, answer.body
        wait_until(lambda: slack.holds.waiting > 0, timeout=30)
        bot.kill()
    finally:
        slack.holds.drop()
        bot.stop()


def _restart(url: str, slack: FakeSlack, engine: Engine, logs: Path, replicas: int) -> list[BotProcess]:
    take_over_now(engine)  # stands in for the dead process's 60 s leases running out
    bots = [BotProcess(slack.url, url, SIGNING_SECRET, logs / f"restarted{i}.log") for i in range(replicas)]
    for bot in bots:
        bot.start(timeout=START_TIMEOUT)
    return bots


OWED_NOW = (
    "SELECT 1 FROM reminders WHERE state = 'pending' AND kind IN ('set_up', 'role_checklist', 'sync_summary')"
)
"""Messages still to send now (not reminders due later, such as the first nag)."""


def _sent_once(slack: FakeSlack, engine: Engine) -> None:
    def settled() -> bool:
        ready = rows(engine, "SELECT 1 FROM incidents WHERE setup_state = 'ready'")
        return bool(ready) and not rows(engine, OWED_NOW)

    wait_until(settled, timeout=60)
    [(channel,)] = rows(engine, "SELECT channel_id FROM incidents WHERE title = :t", t=TITLE)
    posted = Counter(str(c.args["channel"]) for c in slack.ok_calls_to("chat.postMessage"))
    assert len(slack.ok_calls_to("conversations.create")) == 1, "one channel"
    assert [c.args["channel"] for c in slack.ok_calls_to("pins.add")] == [channel], "one pinned summary"
    assert {holder: posted[holder] for holder in HOLDERS} == dict.fromkeys(HOLDERS, 1), "one checklist each"


@pytest.mark.parametrize("replicas", [1, 2])
def test_kill_9_before_the_setup_is_sent_builds_the_channel_once(
    database: tuple[str, Engine], slack: FakeSlack, tmp_path: Path, replicas: int
) -> None:
    url, engine = database
    _kill_while_held(url, slack, tmp_path, "conversations.create", lambda _args: True)
    assert rows(engine, "SELECT claimed_by FROM reminders WHERE kind = 'set_up' AND state = 'pending'"), (
        "the setup was committed, leased to the dead caller"
    )
    bots = _restart(url, slack, engine, tmp_path, replicas)
    try:
        _sent_once(slack, engine)
    finally:
        for bot in bots:
            bot.stop()


@pytest.mark.parametrize("replicas", [1, 2])
def test_kill_9_before_the_checklists_are_sent_sends_each_once(
    database: tuple[str, Engine], slack: FakeSlack, tmp_path: Path, replicas: int
) -> None:
    url, engine = database
    _kill_while_held(url, slack, tmp_path, "chat.postMessage", _is_checklist)
    owed = rows(
        engine, "SELECT claimed_by FROM reminders WHERE kind = 'role_checklist' AND state = 'pending'"
    )
    assert len(owed) == 2, "both DMs were committed, leased to the dead setup"
    bots = _restart(url, slack, engine, tmp_path, replicas)
    try:
        _sent_once(slack, engine)
    finally:
        for bot in bots:
            bot.stop()
