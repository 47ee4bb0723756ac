"""SIGTERM (a rolling deploy, a scaled-down pod): finish what was acknowledged, then exit cleanly."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.helpers import declare_state, wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres
BURST = 30
SLACK_LATENCY = 0.2
"""Each declaration names a commander, checked with users.info before the ack: with Slack this
slow, requests are still being answered when the signal arrives."""


@dataclass(frozen=True)
class Sent:
    title: str
    answer: Response | None
    finished_at: float


def test_sigterm_mid_burst_answers_and_finishes_every_accepted_request_before_exiting(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    for index in range(BURST):
        slack.add_user(f"U9{index:03d}", f"person{index}")
    slack.latency = SLACK_LATENCY
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log").start()
    client = SlackClientForTests(bot.base_url, SIGNING_SECRET)

    def declare_one(index: int) -> Sent:
        title = f"Deploy {index}"
        try:
            answer: Response | None = client.submit(
                "declare_incident", declare_state(title=title, commander=f"U9{index:03d}")
            )
        except OSError:
            answer = None  # refused once the server stopped listening: Slack retries or says so
        return Sent(title, answer, time.monotonic())

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(declare_one, index) for index in range(BURST)]
        wait_until(lambda: slack.count("users.info") >= 9, timeout=30)
        signalled_at = time.monotonic()
        bot.terminate()
        sent = [future.result() for future in futures]
        exit_code = bot.wait(timeout=90)

    assert exit_code == 0, bot.log_path.read_text()[-3000:]
    answered = [s for s in sent if s.answer is not None]
    assert all(s.answer is not None and s.answer.status == 200 for s in answered)
    assert any(s.finished_at > signalled_at for s in answered), (
        "requests in flight at the signal were answered"
    )
    assert len(answered) < BURST, "requests after the signal were refused"
    acknowledged = {s.title for s in answered}

    # Nothing is left for a successor: no journalled request pending, every incident set up.
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            incidents = db.execute(text("SELECT title, setup_state FROM incidents")).all()
            journal = db.execute(
                text("SELECT payload, state FROM reminders WHERE kind = 'apply_declare'")
            ).all()
    finally:
        engine.dispose()
    journalled = {json.loads(payload)["title"] for payload, _ in journal}
    assert journalled == acknowledged, "journalled exactly when acknowledged"
    assert {state for _, state in journal} == {"done"}, journal
    assert sorted(title for title, _ in incidents) == sorted(journalled), "each declaration recorded once"
    assert {state for _, state in incidents} == {"ready"}, incidents
    channels = [c.args["name"] for c in slack.ok_calls_to("conversations.create")]
    assert len(channels) == len(set(channels)) == len(incidents)
    assert "stopped" in bot.log_path.read_text()


def test_a_stop_keeps_to_its_grace_period_when_acknowledged_work_cannot_finish(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log", STOP_GRACE_SECONDS="3").start()
    client = SlackClientForTests(bot.base_url, SIGNING_SECRET)
    slack.latency = 10  # Slack hangs: every channel set-up is stuck in its first call
    answers = [client.submit("declare_incident", declare_state(title=f"Stuck {i}")) for i in range(3)]
    assert [answer.status for answer in answers] == [200, 200, 200]
    engine = create_engine(url)

    def taken_up() -> int:
        with engine.connect() as db:
            query = "SELECT count(*) FROM reminders WHERE kind = 'apply_declare' AND claimed_by IS NOT NULL"
            return int(db.execute(text(query)).scalar_one())

    wait_until(lambda: taken_up() == 3, timeout=10)  # being applied, and so waiting on Slack

    signalled_at = time.monotonic()
    bot.terminate()
    exit_code = bot.wait(timeout=30)
    took = time.monotonic() - signalled_at

    assert exit_code == 0
    assert took < 3 + 2, f"stopped after {took:.1f} s; the grace period is 3 s"
    assert "stopped with acknowledged work unfinished" in bot.log_path.read_text()
    try:
        with engine.connect() as db:
            pending = db.execute(text("SELECT state FROM reminders WHERE kind = 'apply_declare'")).scalars()
            states = sorted(pending)
    finally:
        engine.dispose()
    assert states == ["pending"] * 3, "cut short, the declarations wait in the journal for the next start"
