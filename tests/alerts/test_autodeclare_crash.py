"""`kill -9` after the 202 of alerts a declare rule matches: one incident after the restart, linked."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.alerts.helpers import ALERT_CHANNEL, TOKEN, alertmanager, am_alert
from tests.e2e.helpers import wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess

pytestmark = pytest.mark.postgres
STORM = 12
ONCALL = "U0ONCALL"
RULE = "\n".join(
    [
        "[[alerts.rules]]",
        'match = { severity = "critical" }',
        'action = "declare"',
        "severity = 1",
        'commander = "U0ONCALL"',
        "",
    ]
)


def _send(base_url: str, index: int) -> int | None:
    body = json.dumps(alertmanager(am_alert(f"f{index}"))).encode()
    request = urllib.request.Request(
        f"{base_url}/alerts/alertmanager",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None  # the process died before answering: the sender retries


def _applying(engine: Engine) -> bool:
    with engine.connect() as db:
        query = text("SELECT 1 FROM reminders WHERE kind = 'apply_alerts' AND state = 'pending'")
        return db.execute(query).first() is not None


def test_kill_9_after_the_202_declares_one_incident_for_the_group_after_the_restart(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        f'[alerts]\nchannel = "{ALERT_CHANNEL}"\nrate_per_minute = 1000\n{RULE}', encoding="utf-8"
    )
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    slack.add_user(ONCALL, "oncall")
    env = {"ALERT_INTAKE_TOKEN": TOKEN, "INCIDENTBOT_CONFIG": str(config)}
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log", **env).start()
    engine = create_engine(url)
    restarted: BotProcess | None = None
    try:
        with ThreadPoolExecutor(4) as pool:
            # The first apply asks Slack who the commander is: slow, so the kill lands inside it.
            slack.latency = 0.5
            futures = [pool.submit(_send, bot.base_url, index) for index in range(STORM)]
            wait_until(lambda: slack.count("users.info") >= 1, timeout=30)
            bot.kill()
            answers = [future.result() for future in futures]
        assert 202 in answers, "some alerts were acknowledged before the kill"
        slack.latency = 0.0
        restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot2.log", **env).start()

        def linked() -> int | None:
            with engine.connect() as db:
                return db.execute(text("SELECT incident_id FROM alert_groups")).scalar_one_or_none()  # type: ignore[no-any-return]

        wait_until(lambda: linked() is not None, timeout=60)
        wait_until(lambda: not _applying(engine), timeout=60)
        with engine.connect() as db:
            incidents = db.execute(text("SELECT id FROM incidents")).scalars().all()
        assert incidents == [linked()], "one incident, the one the group is linked to"
    finally:
        bot.kill()
        if restarted is not None:
            restarted.stop()
        engine.dispose()
