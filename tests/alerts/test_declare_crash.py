"""`kill -9` while an incident declared from an alert is being set up: the alert stays linked to it."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.alerts.helpers import ALERT_CHANNEL, TOKEN, alertmanager
from tests.e2e.helpers import declare_state, wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres


def _send_alert(bot: BotProcess) -> None:
    request = urllib.request.Request(
        f"{bot.base_url}/alerts/alertmanager",
        data=json.dumps(alertmanager()).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 202


def test_kill_9_during_the_setup_of_an_incident_declared_from_an_alert_keeps_the_link(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    config = tmp_path / "incidentbot.toml"
    config.write_text(f'[alerts]\nchannel = "{ALERT_CHANNEL}"\n', encoding="utf-8")
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    env = {"ALERT_INTAKE_TOKEN": TOKEN, "INCIDENTBOT_CONFIG": str(config)}
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log", **env).start()
    engine = create_engine(url)
    restarted: BotProcess | None = None
    try:
        _send_alert(bot)
        wait_until(lambda: slack.messages(ALERT_CHANNEL), timeout=30)
        with engine.connect() as db:
            group_id = db.execute(text("SELECT id FROM alert_groups")).scalar_one()
        slack.latency = 0.5  # the channel's setup takes seconds: the kill lands in the middle of it
        client = SlackClientForTests(bot.base_url, SIGNING_SECRET, directory=slack.directory)
        metadata = json.dumps({"channel": ALERT_CHANNEL, "alert_group": group_id})
        state = declare_state(title="HighErrorRate", impact="5xx above 2% on checkout")
        assert client.submit("declare_incident", state, private_metadata=metadata).status == 200
        wait_until(lambda: slack.count("conversations.create") >= 1, timeout=30)
        bot.kill()
        slack.latency = 0.0

        restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot2.log", **env).start()

        def linked() -> int | None:
            with engine.connect() as db:
                return db.execute(text("SELECT incident_id FROM alert_groups")).scalar_one()  # type: ignore[no-any-return]

        wait_until(lambda: linked() is not None, timeout=60)
        with engine.connect() as db:
            incidents = db.execute(text("SELECT id FROM incidents")).scalars().all()
        assert incidents == [linked()], "one incident, the one the alert is linked to"
    finally:
        bot.kill()
        if restarted is not None:
            restarted.stop()
        engine.dispose()
