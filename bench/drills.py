"""Do drill injects arrive on time, once each, across a kill -9? Two bot processes, one PostgreSQL.

    .venv/bin/python -m bench.drills                       # 50 drills x 20 injects, one replica killed
    .venv/bin/python -m bench.drills --drills 5 --no-kill  # a quick run

Writes a scenario of 20 injects (one every 3 minutes of scenario time) into a team folder, starts
two `app.py` processes on one throwaway PostgreSQL (each with its scheduler tick) and the fake
Slack Web API, and starts each drill the way a person does: a signed `/incident drill <name>`,
then the form it opens, submitted. Midway the first replica gets SIGKILL (with `--restart` it
comes back a few seconds later). The fake Slack records when every inject post arrives; each is
matched to its drill (channel) and inject number. Lateness = arrival - the inject's due time as
the bot scheduled it (start of the drill + offset / time scale). Prints lost, doubled and
p50/p99/max lateness.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.nag_timeliness import free_port, percentile, wait_healthy
from bench.support import ROOT
from incidentbot.drills.sql_tables import drill_injects, drill_runs
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.tables import incidents, reminders
from tests.support import signing
from tests.support.fake_slack import Call, FakeSlack
from tests.support.postgres import ThrowawayPostgres

SECRET = "bench-secret"
SCENARIO = "bench-twenty"
TARGET_SECONDS = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drills", type=int, default=50)
    parser.add_argument("--injects", type=int, default=20)
    parser.add_argument("--every-minutes", type=int, default=3, help="scenario time between injects")
    parser.add_argument("--scale", type=int, default=30, help="the drill form's time scale")
    parser.add_argument("--interval", type=float, default=1.0, help="each process's scheduler tick, s")
    parser.add_argument("--threads", type=int, default=8, help="deliveries at once per process")
    parser.add_argument("--no-kill", action="store_true", help="leave both replicas running")
    parser.add_argument("--restart", action="store_true", help="restart the killed replica after 5 s")
    parser.add_argument("--drain-seconds", type=float, default=90.0, help="after the last inject's due")
    return parser.parse_args()


def write_scenario(folder: Path, injects: int, every: int) -> None:
    lines = [
        f'name = "{SCENARIO}"',
        'title = "Bench: twenty injects"',
        'severity = "SEV-2"',
        'impact = "Nothing real: a timing benchmark."',
        'briefing = "Injects arrive on the scenario clock."',
    ]
    for number in range(injects):
        lines += ["", "[[injects]]", f'at = "{number * every}m"', f'text = "Fact {number + 1} of the bench."']
    (folder / f"{SCENARIO}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_bot(
    index: int, url: str, slack: FakeSlack, config: Path, args: argparse.Namespace, logs: Path, port: int
) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": url,
        "PORT": str(port),
        "INCIDENTBOT_CONFIG": str(config),
        "REMINDER_INTERVAL_SECONDS": str(args.interval),
        "REMINDER_THREADS": str(args.threads),
    }
    log = (logs / f"bot-{index}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def start_drills(client: signing.SlackClientForTests, slack: FakeSlack, count: int, scale: int) -> None:
    """Each drill as a person starts it: the command, then the form it opened, submitted."""
    state = {
        "drill_participants": {"value": signing.multi_users_select([])},
        "drill_commander": {"value": signing.users_select("U001")},
        "drill_comms": {"value": signing.users_select("U002")},
        "drill_scribe": {"value": signing.users_select(None)},
        "drill_scale": {"value": {"type": "number_input", "value": str(scale)}},
    }
    for number in range(1, count + 1):
        answer = client.command(f"drill {SCENARIO}", channel_id="C0GENERAL", user_id="U001")
        assert answer.status == 200, answer.body
        view = slack.wait_for("views.open", count=number)[-1].args["view"]
        answer = client.submit(
            "drill_start", state, user_id="U001", private_metadata=view["private_metadata"]
        )
        assert answer.status == 200 and not answer.body, answer.body


def inject_number(text: str) -> int | None:
    for line in text.splitlines():
        if line.startswith("*Inject "):
            return int(line.split()[1].rstrip("*"))
    return None


def main() -> int:
    args = parse_args()
    offset = time.time() - time.monotonic()  # FakeSlack stamps calls with time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="drill-bench-"))
    (work / "scenarios").mkdir()
    write_scenario(work / "scenarios", args.injects, args.every_minutes)
    config = work / "incidentbot.toml"
    config.write_text(f'[drills]\nfolder = "{work / "scenarios"}"\n', encoding="utf-8")
    expected = args.drills * args.injects
    bots: list[subprocess.Popen[bytes]] = []
    killed_at: float | None = None
    with ThrowawayPostgres() as postgres, FakeSlack() as slack:
        url = postgres.create_database("bench")
        engine = make_engine(url)
        migrate(engine)
        ports = [free_port() for _ in range(2)]
        try:
            for index, port in enumerate(ports):
                bots.append(start_bot(index, url, slack, config, args, work, port))
                wait_healthy(port)
            client = signing.SlackClientForTests(
                f"http://127.0.0.1:{ports[1]}", SECRET, directory=slack.directory
            )
            began = time.monotonic()
            start_drills(client, slack, args.drills, args.scale)
            print(f"{args.drills} drills submitted in {time.monotonic() - began:.1f} s", flush=True)
            length = (args.injects - 1) * args.every_minutes * 60 / args.scale
            kill_at = time.time() + length / 2
            while True:
                with engine.connect() as connection:
                    scheduled = connection.execute(select(drill_injects.c.due_at)).scalars().all()
                posted = sum(
                    1
                    for c in slack.calls_to("chat.postMessage")
                    if c.ok and inject_number(str(c.args.get("text") or ""))
                )
                print(
                    f"  {datetime.now(UTC):%H:%M:%S} {len(scheduled)} scheduled, {posted} / {expected} posted",  # noqa: E501
                    flush=True,
                )
                if not args.no_kill and killed_at is None and time.time() >= kill_at:
                    bots[0].send_signal(signal.SIGKILL)
                    bots[0].wait()
                    killed_at = time.time()
                    print(f"  killed replica 0 (kill -9) at {datetime.now(UTC):%H:%M:%S}", flush=True)
                    if args.restart:
                        time.sleep(5)
                        bots[0] = start_bot(0, url, slack, config, args, work, ports[0])
                        wait_healthy(ports[0])
                        print("  replica 0 restarted", flush=True)
                last_due = max(scheduled).timestamp() if len(scheduled) == expected else None
                if last_due and (
                    (posted >= expected and time.time() > last_due + 5)
                    or time.time() > last_due + args.drain_seconds
                ):
                    break
                time.sleep(2)
            time.sleep(3)  # a late duplicate would land now
        finally:
            for process in bots:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in bots:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        with engine.connect() as connection:
            rows = connection.execute(
                select(incidents.c.channel_id, drill_injects.c.number, drill_injects.c.due_at)
                .join(drill_runs, drill_runs.c.incident_id == drill_injects.c.incident_id)
                .join(incidents, incidents.c.id == drill_injects.c.incident_id)
            ).all()
            shares = connection.execute(
                select(reminders.c.claimed_by, reminders.c.state, reminders.c.kind).where(
                    reminders.c.kind == "drill_inject"
                )
            ).all()
        engine.dispose()
        calls = list(slack.calls)
    due = {(str(channel), int(number)): at.timestamp() for channel, number, at in rows}
    report(args, due, calls, offset, killed_at, Counter(_claimer(str(w)) for w, _, _ in shares), work)
    return 0


def _claimer(worker: str) -> str:
    """A scheduler's name, or "sent at once" for an inject due with the briefing (sent after its commit)."""
    return "sent at once" if worker.startswith("caller:") else worker


def report(
    args: argparse.Namespace,
    due: dict[tuple[str, int], float],
    calls: list[Call],
    offset: float,
    killed_at: float | None,
    shares: Counter[str],
    work: Path,
) -> None:
    arrivals: dict[tuple[str, int], list[float]] = {}
    for call in calls:
        if call.method != "chat.postMessage" or not call.ok:
            continue
        number = inject_number(str(call.args.get("text") or ""))
        if number is not None:
            arrivals.setdefault((str(call.args.get("channel")), number), []).append(call.at + offset)
    expected = args.drills * args.injects
    lost = expected - sum(1 for key in due if key in arrivals)
    doubled = sum(len(times) - 1 for times in arrivals.values())
    lateness = [min(arrivals[key]) - at for key, at in due.items() if key in arrivals]
    after_kill = [
        min(arrivals[key]) - at
        for key, at in due.items()
        if key in arrivals and killed_at and killed_at <= at < killed_at + 60
    ]
    within = sum(1 for v in lateness if v <= TARGET_SECONDS)
    load = os.getloadavg()
    kill = (
        "none"
        if args.no_kill
        else (
            "replica 0 killed midway, restarted 5 s later"
            if args.restart
            else "replica 0 killed midway, not restarted"
        )
    )
    print()
    print(
        f"{args.drills} drills x {args.injects} injects "
        f"(one every {args.every_minutes} min of scenario time, "
        f"time scale {args.scale}: {60 * args.every_minutes / args.scale:g} s apart), 2 bot processes "
        f"({args.threads} deliveries at once each, scheduler tick {args.interval:g} s), one PostgreSQL 15, "
        f"fake Slack Web API; kill -9: {kill}. "
        f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}."
    )
    print()
    print(
        "| injects | scheduled | lost | doubled | p50 lateness | p99 lateness | max lateness | within 2 s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| all | {len(due):,} / {expected:,} | {lost} | {doubled} | {percentile(lateness, 0.5):.2f} s | "
        f"{percentile(lateness, 0.99):.2f} s | {max(lateness, default=float('nan')):.2f} s | "
        f"{within / max(expected, 1):.2%} |"
    )
    if after_kill:
        print(
            f"| due in the minute after the kill | {len(after_kill):,} | | | "
            f"{percentile(after_kill, 0.5):.2f} s | "
            f"{percentile(after_kill, 0.99):.2f} s | {max(after_kill):.2f} s | "
            f"{sum(1 for v in after_kill if v <= TARGET_SECONDS) / len(after_kill):.2%} |"
        )
    late = sorted(v for v in lateness if v > TARGET_SECONDS)
    buckets = Counter("2-10 s" if v <= 10 else "10-30 s" if v <= 30 else "30 s+" for v in late)
    print()
    print("later than 2 s: " + (", ".join(f"{n} at {b}" for b, n in sorted(buckets.items())) or "none"))
    by_number = Counter(key[1] for key, at in due.items() if key in arrivals and min(arrivals[key]) - at > 2)
    print("later than 2 s, by inject number: " + ", ".join(f"#{k} {n}" for k, n in sorted(by_number.items())))
    for (channel, number), times in sorted(arrivals.items()):
        if len(times) > 1:
            due_at = due.get((channel, number), float("nan"))
            print(f"doubled: {channel} #{number}, posted {[round(t - due_at, 2) for t in times]} s after due")
    print("inject reminders by claimer: " + ", ".join(f"{w} {n}" for w, n in shares.most_common()))
    print(f"bot logs: {work}")


if __name__ == "__main__":
    sys.exit(main())
