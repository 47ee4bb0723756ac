"""`kill -9` while alerts arrive: every alert answered 202 is triaged after a restart."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.alerts.helpers import ALERT_CHANNEL, TOKEN, alertmanager, am_alert
from tests.e2e.helpers import wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess

pytestmark = pytest.mark.postgres
BURST = 40


def _send(base_url: str, index: int) -> int | None:
    alert = am_alert(f"f{index}", labels={"alertname": f"Burst{index}"})
    body = json.dumps(alertmanager(alert, group_key=f"{{}}:burst{index}")).encode()
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


def test_kill_9_while_alerts_arrive_loses_no_acknowledged_alert(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    config = tmp_path / "incidentbot.toml"
    config.write_text(f'[alerts]\nchannel = "{ALERT_CHANNEL}"\nrate_per_minute = 1000\n', encoding="utf-8")
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    slack.latency = 0.05  # slow Slack down so the kill lands while triage messages are being posted
    env = {"ALERT_INTAKE_TOKEN": TOKEN, "INCIDENTBOT_CONFIG": str(config)}
    bot = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot.log", **env).start()
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(_send, bot.base_url, index) for index in range(BURST)]
        wait_until(lambda: slack.count("chat.postMessage") >= 3, timeout=30)
        bot.kill()
        answers = [future.result() for future in futures]
    acknowledged = {f"Burst{index}" for index, status in enumerate(answers) if status == 202}
    assert acknowledged, "some alerts were acknowledged before the kill"

    engine = create_engine(url)
    with engine.connect() as db:
        payloads = db.execute(text("SELECT payload FROM reminders WHERE kind = 'apply_alerts'")).scalars()
        journalled = {json.loads(p)["batch"]["alerts"][0]["title"] for p in payloads}
    assert acknowledged <= journalled, "every acknowledged alert was in the database before the 202"

    restarted = BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / "bot2.log", **env).start()
    try:

        def triaged() -> set[str]:
            texts = [str(message["blocks"]) for message in slack.messages(ALERT_CHANNEL)]
            return {title for title in acknowledged if any(f"*{title}*" in shown for shown in texts)}

        wait_until(lambda: triaged() == acknowledged, timeout=90)
    finally:
        restarted.stop()
        engine.dispose()
