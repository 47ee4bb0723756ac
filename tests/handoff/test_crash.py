"""`kill -9` right after a hand-over was acknowledged: a restart applies it, and sends its messages once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, rows
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres
NOTE = "Mitigation in place; watching the error rate"


def test_kill_9_right_after_the_ack_loses_no_handoff_and_doubles_no_message(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    engine = create_engine(url)
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log").start()
    client = SlackClientForTests(bot.base_url, SIGNING_SECRET)
    restarted: BotProcess | None = None
    try:
        incident_id, channel = declare_ready(engine, client, "Crash during a hand-over")
        # Slack cannot say who carol is, so the hand-over cannot be applied before the kill.
        slack.inject("users.info", error="fatal_error", times=None)
        answer = client.command(f"handoff @carol {NOTE}", channel_id=channel, trigger_id="T.crash.1")
        assert answer.status == 200, answer.body
        bot.kill()

        journalled = rows(engine, "SELECT payload, state FROM reminders WHERE kind = 'apply_handoff'")
        assert [(json.loads(str(p))["note"], s) for p, s in journalled] == [(NOTE, "pending")]
        assert _commander(engine, incident_id) == "U001", "not applied before the kill"

        slack.clear_faults()
        restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot2.log").start()
        # Slack does not resend a slash command it had an answer to; a repeat would be dropped anyway.
        again = SlackClientForTests(restarted.base_url, SIGNING_SECRET).command(
            f"handoff @carol {NOTE}", channel_id=channel, trigger_id="T.crash.1"
        )
        assert again.status == 200
        _take_over_now(engine)
        wait_until(lambda: _commander(engine, incident_id) == "U003", timeout=30)
        wait_until(lambda: _handover_posts(slack, channel) and _handover_dms(slack), timeout=30)
    finally:
        (restarted or bot).stop()
        bot.kill()
    assert len(_handover_posts(slack, channel)) == 1
    assert len(_handover_dms(slack)) == 1
    notes = rows(engine, "SELECT text FROM timeline_events WHERE source = 'handoff'")
    assert notes == [(NOTE,)], "the note on the timeline once"
    states = rows(engine, "SELECT state FROM reminders WHERE kind = 'apply_handoff'")
    assert states == [("done",)], "applied once, the repeat never journalled"
    engine.dispose()


def _commander(engine: Engine, incident_id: int) -> str | None:
    found = rows(
        engine,
        "SELECT user_id FROM role_assignments "
        "WHERE incident_id = :i AND role = 'commander' AND ended_at IS NULL",
        i=incident_id,
    )
    return str(found[0][0]) if found else None


def _handover_posts(slack: FakeSlack, channel: str) -> list[str]:
    posts = slack.ok_calls_to("chat.postMessage")
    return [
        str(c.args["text"])
        for c in posts
        if c.args["channel"] == channel and "Command handed over" in c.args["text"]
    ]


def _handover_dms(slack: FakeSlack) -> list[str]:
    targets = {"U003", slack.dm_channel_id("U003")}
    posts = slack.ok_calls_to("chat.postMessage")
    return [
        str(c.args["text"])
        for c in posts
        if c.args["channel"] in targets and "hand-over note" in c.args["text"]
    ]


def _take_over_now(engine: Engine) -> None:
    """The restarted process leaves a row to its writer for 10 s and a dead worker's lease for 60 s
    (or a retry to its backoff); moving `claimed_until` into the past stands in for that wait."""
    with engine.begin() as db:
        db.execute(
            text(
                "UPDATE reminders SET claimed_until = now() - interval '1 second' "
                "WHERE state = 'pending' AND kind LIKE '%handoff%'"
            )
        )
