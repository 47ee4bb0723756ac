"""Alert intake under load: answer times at a steady rate, triage messages within Slack's pace, storms.

The bot runs as `python app.py` against PostgreSQL and a fake Slack in its own process, as in
production; the senders are an asyncio client posting Alertmanager notifications.

    .venv/bin/python -m bench.alert_intake [--rate 100] [--seconds 60] [--groups 20] [--storm 5000]

Steady: `rate` requests a second of one alert each, spread over `groups` groups, for `seconds`.
Storm: `storm` alerts in 50 groups as fast as the client sends them. Both count the alerts
answered 202 but not yet counted on their group when the bot caught up (or after 300 s; they
are journalled, so not lost) and what Slack was sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.support import Answer, FakeSlackProcess, post, summary
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess

TOKEN = "bench-alert-token"
CHANNEL = "C0ALERTS"
SECRET = "bench-signing-secret"
STORM_GROUPS = 50
SETTLE_SECONDS = 300


def notification(group: str, fingerprint: str) -> bytes:
    alert = {
        "status": "firing",
        "labels": {"alertname": group, "severity": "warning"},
        "annotations": {"summary": f"{group} is firing"},
        "startsAt": "2026-01-01T11:55:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph",
        "fingerprint": fingerprint,
    }
    body = {
        "version": "4",
        "groupKey": f"{{}}:{group}",
        "status": "firing",
        "receiver": "incidentbot",
        "groupLabels": {"alertname": group},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": [alert],
    }
    return json.dumps(body).encode()


HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}


async def steady(port: int, rate: int, seconds: int, groups: int, prefix: str) -> list[Answer]:
    """`rate` requests a second, each sent on time whether or not earlier ones were answered."""
    started = time.perf_counter()
    tasks = []
    for n in range(rate * seconds):
        due = started + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        body = notification(f"{prefix}{n % groups}", f"f{n}")
        tasks.append(asyncio.create_task(post(port, "/alerts/alertmanager", body, HEADERS)))
    return list(await asyncio.gather(*tasks))


async def storm(port: int, alerts: int, prefix: str, senders: int = 32) -> list[Answer]:
    queue = list(range(alerts))
    answers: list[Answer] = []

    async def sender() -> None:
        while queue:
            n = queue.pop()
            body = notification(f"{prefix}{n % STORM_GROUPS}", f"f{n}")
            answers.append(await post(port, "/alerts/alertmanager", body, HEADERS))

    await asyncio.gather(*(sender() for _ in range(senders)))
    return answers


def counted(url: str, prefix: str) -> tuple[int, int]:
    """Alerts counted on the groups of this run, and how many of those groups there are."""
    engine = create_engine(url)
    with engine.connect() as db:
        row = db.execute(
            text("SELECT coalesce(sum(received), 0), count(*) FROM alert_groups WHERE title LIKE :p"),
            {"p": f"{prefix}%"},
        ).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def triage_owed(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as db:
        owed = db.execute(
            text(
                "SELECT count(*) FROM reminders"
                " WHERE kind IN ('alert_triage', 'apply_alerts') AND state = 'pending'"
            )
        ).scalar_one()
    engine.dispose()
    return int(owed)


def caught_up(url: str) -> float:
    """Seconds until every triage message shows its group as it is (nothing owed any more)."""
    started = time.perf_counter()
    while triage_owed(url) and time.perf_counter() - started < SETTLE_SECONDS:
        time.sleep(0.2)
    return time.perf_counter() - started


def run_steady(
    bot: BotProcess, slack: FakeSlackProcess, url: str, args: argparse.Namespace
) -> dict[str, Any]:
    before = slack.counts()
    started = time.perf_counter()
    answers = asyncio.run(steady(bot.port, args.rate, args.seconds, args.groups, "Steady"))
    sending = time.perf_counter() - started
    late = caught_up(url)
    after = slack.counts()
    accepted = sum(1 for a in answers if a.status == 202)
    total, groups = counted(url, "Steady")
    sends = {m: after.get(m, 0) - before.get(m, 0) for m in ("chat.postMessage", "chat.update")}
    return {
        "requests": len(answers),
        "accepted": accepted,
        "not_applied_yet": accepted - total,
        "groups": groups,
        "answer": summary([a.seconds for a in answers]),
        "sending_s": round(sending, 1),
        "caught_up_after_s": round(late, 1),
        "slack_sends": sends,
        "sends_per_s": round(sum(sends.values()) / (sending + late), 2),
    }


def run_storm(bot: BotProcess, slack: FakeSlackProcess, url: str, alerts: int) -> dict[str, Any]:
    before = slack.counts()
    answers = asyncio.run(storm(bot.port, alerts, "Storm"))
    late = caught_up(url)
    after = slack.counts()
    accepted = sum(1 for a in answers if a.status == 202)
    total, groups = counted(url, "Storm")
    return {
        "alerts": alerts,
        "accepted": accepted,
        "not_applied_yet": accepted - total,
        "groups": groups,
        "triage_posts": after.get("chat.postMessage", 0) - before.get("chat.postMessage", 0),
        "edits": after.get("chat.update", 0) - before.get("chat.update", 0),
        "answer": summary([a.seconds for a in answers]),
        "caught_up_after_s": round(late, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--storm", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ThrowawayPostgres() as postgres:
        url = postgres.create_database("bench_alerts")
        config = Path(tmp) / "incidentbot.toml"
        config.write_text(f'[alerts]\nchannel = "{CHANNEL}"\nrate_per_minute = 1000000\n', encoding="utf-8")
        slack = FakeSlackProcess()
        env = {"ALERT_INTAKE_TOKEN": TOKEN, "INCIDENTBOT_CONFIG": str(config)}
        bot = BotProcess(slack.url, url, SECRET, Path(tmp) / "bot.log", **env).start()
        try:
            result = {
                "load_before": os.getloadavg(),
                "steady": run_steady(bot, slack, url, args),
                "storm": run_storm(bot, slack, url, args.storm),
                "load_after": os.getloadavg(),
            }
        finally:
            bot.stop()
            slack.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
