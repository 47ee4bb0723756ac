"""The scheduler adapter, restarts, crashed workers and two real processes sharing one database."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.kernel import reminders
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.scheduler import ReminderScheduler
from incidentbot.scheduler.runner import TICK_PATIENCE_SECONDS
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.store.tables import reminders as reminder_rows
from tests.e2e.helpers import declare
from tests.e2e.update_helpers import posts_to, wait_for_post
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.support.postgres import ThrowawayPostgres
from tests.support.reminder_rows import cadence
from tests.support.seeding import seed_due_incidents
from tests.support.times import slack_time

ROOT = Path(__file__).resolve().parents[2]


def _nags_to(running: RunningBot, user: str) -> int:
    return len([c for c in posts_to(running, user) if "was due <!date" in c.args["text"]])


def test_apscheduler_job_fires_due_reminders(running: RunningBot) -> None:
    declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    scheduler = ReminderScheduler(running.services, interval_seconds=0.2, worker_id="apscheduler-test")
    scheduler.start()
    try:
        wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    finally:
        scheduler.stop()
    with running.services.store.transaction() as tx:
        [nag, *_] = cadence(tx.reminders(running.incident().id))
    assert (nag.kind, nag.state, nag.claimed_by) == ("nag", ReminderState.DONE, "apscheduler-test")
    assert nag.fired_at == running.clock.now()


def test_a_tick_gives_way_to_requests_being_acknowledged_before_it_fires(running: RunningBot) -> None:
    declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    running.settle()
    nags_when_asked: list[tuple[float, int]] = []

    def give_way(patience: float) -> None:
        nags_when_asked.append((patience, _nags_to(running, "U002")))

    scheduler = ReminderScheduler(running.services, worker_id="polite", give_way=give_way)
    scheduler.tick()
    assert nags_when_asked == [(TICK_PATIENCE_SECONDS, 0)]
    assert _nags_to(running, "U002") == 1


def test_a_restart_fires_what_came_due_while_down_exactly_once(
    running: RunningBot, slack: FakeSlack, database_url: str
) -> None:
    declare(running, comms="U002")
    running.bot.close()  # the first process is gone; the nag's due time is only in the database
    running.clock.advance(timedelta(hours=1))
    with running_bot(slack, database_url, running.clock) as restarted:
        assert restarted.fire_due("after-restart").delivered == 2
        assert restarted.fire_due("after-restart").delivered == 0
        wait_for_post(restarted, "U002", f"was due {slack_time('12:15')}")
        assert _nags_to(restarted, "U002") == 1


def test_a_worker_killed_mid_delivery_is_taken_over_once_its_lease_expires(
    running: RunningBot, slack: FakeSlack, database_url: str
) -> None:
    declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    # kill -9 right after the claim committed: the lease is in the database, nothing was sent.
    assert len(reminders.claim(running.services, "killed-worker")) == 1
    running.bot.close()
    with running_bot(slack, database_url, running.clock) as restarted:
        assert restarted.fire_due("survivor").delivered == 0, "the lease still holds"
        running.clock.advance(reminders.LEASE + timedelta(seconds=1))
        assert restarted.fire_due("survivor").delivered == 2
        wait_for_post(restarted, "U002", f"was due {slack_time('12:15')}")
        assert _nags_to(restarted, "U002") == 1


def _start_firing(database_url: str, slack: FakeSlack, worker: str, parallel: int) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.support.fire_loop",
        "--database-url",
        database_url,
        "--slack-url",
        slack.url,
        "--worker",
        worker,
        "--parallel",
        str(parallel),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "ready":
        process.kill()
        raise AssertionError(
            f"{worker} did not start: {line} {process.stderr.read() if process.stderr else ''}"
        )
    return process


@pytest.mark.postgres
def test_two_processes_fire_each_nag_exactly_once(
    postgres_server: ThrowawayPostgres, slack: FakeSlack
) -> None:
    count = 120
    url = postgres_server.create_database("two_processes")
    engine = make_engine(url)
    migrate(engine)
    for index in range(count):
        slack.add_user(f"UC{index:05d}", f"comms{index}")
    # One process delivers one at a time, the other four at once, as deployed on PostgreSQL.
    processes = [
        _start_firing(url, slack, worker, parallel) for worker, parallel in (("proc-a", 1), ("proc-b", 4))
    ]
    try:
        now = datetime.now(UTC)
        seeded = seed_due_incidents(
            SqlStore(engine), [now - timedelta(seconds=1)] * count, declared_at=now - timedelta(minutes=15)
        )

        def delivered() -> int:
            return len(
                [c for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"].startswith("UC")]
            )

        slack.wait_until(lambda: delivered() >= count, timeout=60, what=f"{count} nags")
        channels = {s.channel_id for s in seeded}
        slack.wait_until(
            lambda: (
                len([c for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] in channels])
                >= count
            ),
            timeout=30,
            what=f"{count} channel notices",
        )
    finally:
        for process in processes:
            process.terminate()
        outputs = [process.communicate(timeout=30)[0] for process in processes]
    reports = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    posts = [c.args["channel"] for c in slack.ok_calls_to("chat.postMessage")]
    dms = Counter(channel for channel in posts if channel.startswith("UC"))
    notices = Counter(channel for channel in posts if channel.startswith("CS"))
    assert len(dms) == count and set(dms.values()) == {1}, "every comms lead nagged exactly once"
    assert len(notices) == count and set(notices.values()) == {1}, "every channel noticed exactly once"
    with engine.connect() as connection:
        rows = connection.execute(reminder_rows.select()).mappings().all()
    nag_rows = [row for row in rows if row["kind"] == "nag"]
    assert {row["state"] for row in nag_rows} == {"done"}
    assert {row["claimed_by"] for row in nag_rows} == {"proc-a", "proc-b"}, f"both took a share: {reports}"
    assert sum(r["delivered"] for r in reports) == 2 * count
    engine.dispose()


def test_app_process_fires_reminders_and_stops_cleanly(slack: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    [seeded] = seed_due_incidents(SqlStore(engine), [now - timedelta(seconds=1)], declared_at=now)
    engine.dispose()
    slack.add_user(seeded.comms, "comms")
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": "xoxb-app-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": url,
        "PORT": str(_free_port()),
        "REMINDER_INTERVAL_SECONDS": "0.2",
    }
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        slack.wait_until(
            lambda: any(c.args["channel"] == seeded.comms for c in slack.ok_calls_to("chat.postMessage")),
            timeout=20,
            what="the nag from the app process",
        )
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=20)[0].decode()
    assert process.returncode == 0, output
    assert "reminders: firing every 0.2 s" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
