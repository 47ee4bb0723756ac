"""`kill -9` right after a change was acknowledged: the restarted bot still delivers its event, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, rows
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests
from tests.webhooks.conftest import SECRET
from tests.webhooks.helpers import first_receipts, verified
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.postgres
NOTE = "Failover to the standby database started"


def test_kill_9_after_the_ack_still_delivers_the_event_once(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    engine = create_engine(url)
    receiver = Receiver().start()
    receiver.down = 503
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        f'[[webhooks]]\nurl = "{receiver.url}"\nsecret = "{SECRET}"\nallow_http_loopback = true\n',
        encoding="utf-8",
    )
    env = {"INCIDENTBOT_CONFIG": str(config), "REMINDER_INTERVAL_SECONDS": "0.2"}
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log", **env).start(timeout=120)
    restarted: BotProcess | None = None
    try:
        _, channel = declare_ready(engine, SlackClientForTests(bot.base_url, SIGNING_SECRET), "Crash hooks")
        answer = SlackClientForTests(bot.base_url, SIGNING_SECRET).command(f"note {NOTE}", channel_id=channel)
        assert answer.status == 200, answer.body
        bot.kill()
        assert not receiver.accepted, "the receiver was down: nothing was taken before the kill"

        receiver.down = None
        restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot2.log", **env)
        restarted.start(timeout=120)
        wait_until(lambda: _taken(receiver, "timeline.entry_added"), timeout=90)
    finally:
        (restarted or bot).stop()
        bot.kill()
        receiver.stop()
    kept = first_receipts(receiver.accepted)
    assert [kind for kind, _ in kept if kind in ("incident.declared", "timeline.entry_added")] == [
        "incident.declared",
        "timeline.entry_added",
    ]
    note = next(got.payload for got in receiver.accepted if got.payload["type"] == "timeline.entry_added")
    assert note["data"]["text"] == NOTE
    assert all(verified(got, SECRET) for got in receiver.received)
    states = rows(engine, "SELECT DISTINCT state FROM webhook_deliveries")
    assert states == [("delivered",)]


def _taken(receiver: Receiver, kind: str) -> bool:
    return any(got.payload["type"] == kind for got in receiver.accepted)
