"""`kill -9` in the middle of a burst: every acknowledged declaration survives and is finished once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.helpers import declare_state, wait_until
from tests.support.crash import NORMAL_TICKS, Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 40


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path, NORMAL_TICKS) as started:
        yield started


def test_kill_9_mid_burst_loses_no_acknowledged_declaration(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    slack.latency = 0.02  # slow Slack down so the kill lands while setups are under way

    def declare_one(index: int) -> Response | None:
        try:
            return bot.client.submit("declare_incident", declare_state(title=f"Burst {index}"))
        except OSError:
            return None  # the process died before answering: Slack would show the user an error

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(declare_one, index) for index in range(BURST)]
        wait_until(lambda: slack.count("conversations.create") >= 3, timeout=30)
        bot.kill()
        answers = [future.result() for future in futures]
    acknowledged = {
        f"Burst {i}" for i, answer in enumerate(answers) if answer is not None and answer.status == 200
    }
    assert acknowledged, "some declarations were acknowledged before the kill"

    engine = bot.engine
    with engine.connect() as db:
        recorded = {row[0] for row in db.execute(text("SELECT title FROM incidents"))}
        journalled = {
            json.loads(row[0])["title"]
            for row in db.execute(text("SELECT payload FROM reminders WHERE kind = 'apply_declare'"))
        }
    assert acknowledged <= journalled, "every acknowledged declaration was in the database before the ack"
    assert recorded <= journalled

    bot.restart(slack, tmp_path / "bot2.log")

    def all_ready() -> list[tuple[str, str]] | None:
        with engine.connect() as db:
            rows = db.execute(text("SELECT title, channel_id, setup_state FROM incidents")).all()
        titles = {r[0] for r in rows}
        done = titles >= journalled and all(r[2] == "ready" for r in rows)
        return [(r[0], r[1]) for r in rows] if done else None

    # A declaration or setup the killed process was in the middle of is leased to it: the
    # restarted one takes it once that 60 s lease has run out (docs/scheduling.md).
    rows = wait_until(all_ready, timeout=150)
    titles = [title for title, _ in rows]
    assert sorted(titles) == sorted(journalled), "every journalled declaration recorded once"
    channels = [channel for _, channel in rows]
    assert len(channels) == len(set(channels)) == len(journalled), "one channel per incident, none doubled"
    pinned = {c.args["channel"] for c in slack.ok_calls_to("pins.add")}
    # Every incident got its pinned summary. (A kill in the few milliseconds between Slack
    # accepting the summary and the database saving its ts makes the restart post it again:
    # at-least-once at the Slack edge, see docs/scheduling.md.)
    assert pinned == set(channels)
