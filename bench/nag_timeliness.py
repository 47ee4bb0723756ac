"""How late do nags go out? Two real bot processes, one PostgreSQL, the fake Slack Web API.

    python bench/nag_timeliness.py                      # 10,000 incidents over 10 minutes
    python bench/nag_timeliness.py --incidents 500 --spread-seconds 60   # a quick run

Seeds N open SEV-1 incidents (each with its own channel and communications lead) whose committed
next-update times are spread evenly over the spread window, starts two `app.py` processes on one
throwaway PostgreSQL (each with its APScheduler tick), and lets the real clock run. The fake Slack
records when each message arrives; lateness = arrival - the time it was due. Prints a Markdown
table: delivered, duplicates, and p50/p99/max lateness for nag DMs, channel notices and
escalations.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from incidentbot.store.db import make_engine, migrate  # noqa: E402
from incidentbot.store.sql import SqlStore  # noqa: E402
from incidentbot.store.tables import reminders  # noqa: E402
from tests.support.fake_slack import Call, FakeSlack  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402
from tests.support.seeding import seed_due_incidents  # noqa: E402

PLACEHOLDER_START = datetime(2030, 1, 1, tzinfo=UTC)
TARGET_SECONDS = 15.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--spread-seconds", type=float, default=600.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--interval", type=float, default=2.0, help="each process's scheduler tick, seconds")
    parser.add_argument(
        "--grace-minutes", type=int, default=1, help="escalation grace (the default policy says 5)"
    )
    parser.add_argument(
        "--lead-seconds", type=float, default=10.0, help="from start-up to the first due time"
    )
    parser.add_argument(
        "--drain-seconds", type=float, default=120.0, help="how long to wait after the last due"
    )
    parser.add_argument("--threads", type=int, default=8, help="deliveries at once per process")
    parser.add_argument(
        "--rate-limit-ratio",
        type=float,
        default=0.0,
        help="share of chat.postMessage calls the fake Slack answers with 429 and Retry-After: 1",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_bot(
    index: int, url: str, slack: FakeSlack, config: Path, args: argparse.Namespace, logs: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-secret",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": url,
        "PORT": str(port),
        "INCIDENTBOT_CONFIG": str(config),
        "REMINDER_INTERVAL_SECONDS": str(args.interval),
        "REMINDER_THREADS": str(args.threads),
    }
    log = (logs / f"bot-{index}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return process, port


def wait_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        try:
            with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"bot on port {port} did not become healthy")


def shift_due_times(engine: Engine, delta: timedelta) -> None:
    """Move every seeded due time from the placeholder window to just after now."""
    seconds = {"seconds": delta.total_seconds()}
    with engine.begin() as connection:
        for table_name, column in (
            ("commitments", "due_at"),
            ("reminders", "due_at"),
            ("incidents", "next_update_due"),
        ):
            statement = f"UPDATE {table_name} SET {column} = {column} - make_interval(secs => :seconds)"
            connection.execute(text(statement), seconds)


@dataclass
class Kind:
    name: str
    lateness: list[float]
    duplicates: int
    expected: int

    @property
    def delivered(self) -> int:
        return len(self.lateness)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(
    calls: list[Call],
    due_by_user: dict[str, float],
    due_by_channel: dict[str, float],
    grace: float,
    offset: float,
    expected: int,
) -> list[Kind]:
    first: dict[tuple[str, str], float] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for call in calls:
        if call.method != "chat.postMessage" or not call.ok:
            continue
        channel, text = str(call.args.get("channel")), str(call.args.get("text") or "")
        if channel in due_by_user:
            kind = "nag DM"
        elif channel in due_by_channel and "Still no update" in text:
            kind = "escalation"
        elif channel in due_by_channel:
            kind = "channel notice"
        else:
            continue
        counts[(kind, channel)] += 1
        first.setdefault((kind, channel), call.at + offset)
    results = []
    for kind in ("nag DM", "channel notice", "escalation"):
        lateness = []
        for (found, channel), at in first.items():
            if found != kind:
                continue
            due = due_by_user[channel] if kind == "nag DM" else due_by_channel[channel]
            lateness.append(at - (due + (grace if kind == "escalation" else 0.0)))
        duplicates = sum(n - 1 for (found, _), n in counts.items() if found == kind)
        results.append(Kind(kind, lateness, duplicates, expected))
    return results


def table(
    kinds: list[Kind],
    args: argparse.Namespace,
    states: dict[tuple[str, str], int],
    shares: dict[str, int],
    rate_limited: int,
) -> str:
    lines = [
        f"{args.incidents:,} incidents, due times spread over {args.spread_seconds:.0f} s, "
        f"{args.processes} bot processes ({args.threads} deliveries at once each), scheduler tick "
        f"{args.interval:g} s, escalation grace "
        f"{args.grace_minutes} min, one PostgreSQL 15, fake Slack Web API"
        + (
            f" answering {args.rate_limit_ratio:.0%} of posts with 429 (Retry-After: 1)"
            if args.rate_limit_ratio
            else ""
        )
        + "; "
        "lateness = arrival at Slack - due time.",
        "",
        "| message | delivered | duplicates | p50 lateness | p99 lateness | max lateness | within 15 s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        within = sum(1 for v in kind.lateness if v <= TARGET_SECONDS)
        lines.append(
            f"| {kind.name} | {kind.delivered:,} / {kind.expected:,} | {kind.duplicates} | "
            f"{percentile(kind.lateness, 0.5):.2f} s | {percentile(kind.lateness, 0.99):.2f} s | "
            f"{max(kind.lateness, default=float('nan')):.2f} s | {within / max(kind.expected, 1):.2%} |"
        )
    lines.append("")
    lines.append(
        f"429 answers: {rate_limited:,}. Reminder rows afterwards: "
        + ", ".join(f"{kind} {state} {n:,}" for (kind, state), n in sorted(states.items()))
        + "; nags delivered per process: "
        + ", ".join(f"{n:,}" for n in sorted(shares.values(), reverse=True))
        + "."
    )
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    offset = time.time() - time.monotonic()  # FakeSlack stamps calls with time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nag-bench-"))
    config = work / "incidentbot.toml"
    config.write_text(f"[policy]\nescalation_grace_minutes = {args.grace_minutes}\n", encoding="utf-8")
    grace = args.grace_minutes * 60.0
    bots: list[subprocess.Popen[bytes]] = []
    with ThrowawayPostgres() as postgres, FakeSlack() as slack:
        url = postgres.create_database("bench")
        engine = make_engine(url)
        migrate(engine)
        print(f"seeding {args.incidents:,} incidents…", flush=True)
        step = args.spread_seconds / max(args.incidents - 1, 1)
        placeholder = [PLACEHOLDER_START + timedelta(seconds=i * step) for i in range(args.incidents)]
        started = time.monotonic()
        seeded = seed_due_incidents(
            SqlStore(engine), placeholder, declared_at=PLACEHOLDER_START - timedelta(hours=1)
        )
        print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)
        for item in seeded:
            slack.add_user(item.comms, item.comms.lower())
        if args.rate_limit_ratio:
            slack.fail_ratio("chat.postMessage", args.rate_limit_ratio, status=429, retry_after=1)
        try:
            for index in range(args.processes):
                process, port = start_bot(index, url, slack, config, args, work)
                bots.append(process)
                wait_healthy(port)
            first_due = datetime.now(UTC) + timedelta(seconds=args.lead_seconds)
            shift = PLACEHOLDER_START - first_due
            shift_due_times(engine, shift)
            due_by_user = {s.comms: (s.due_at - shift).timestamp() for s in seeded}
            due_by_channel = {s.channel_id: (s.due_at - shift).timestamp() for s in seeded}
            print(f"{args.processes} bots up; first nag due {first_due:%H:%M:%S} UTC", flush=True)
            last_due = max(due_by_user.values())
            deadline = last_due + grace + args.drain_seconds
            expected_posts = 3 * args.incidents
            while time.time() < deadline:
                posted = sum(
                    1
                    for c in slack.calls_to("chat.postMessage")
                    if c.ok
                    and (c.args.get("channel") in due_by_user or c.args.get("channel") in due_by_channel)
                )
                print(f"  {datetime.now(UTC):%H:%M:%S} {posted:,} / {expected_posts:,} messages", flush=True)
                if posted >= expected_posts and time.time() > last_due + grace + 5:
                    break
                time.sleep(10)
            time.sleep(3)  # anything late and duplicated would land now
        finally:
            for process in bots:
                process.send_signal(signal.SIGINT)
            for process in bots:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        kinds = measure(slack.calls, due_by_user, due_by_channel, grace, offset, args.incidents)
        rate_limited = sum(1 for c in slack.calls_to("chat.postMessage") if c.status == 429)
        with engine.connect() as connection:
            rows = connection.execute(
                select(reminders.c.kind, reminders.c.state, func.count()).group_by(
                    reminders.c.kind, reminders.c.state
                )
            ).all()
            share_rows = connection.execute(
                select(reminders.c.claimed_by, func.count())
                .where(reminders.c.kind == "nag", reminders.c.state == "done")
                .group_by(reminders.c.claimed_by)
            ).all()
        engine.dispose()
    states = {(str(kind), str(state)): int(n) for kind, state, n in rows}
    shares = {str(worker): int(n) for worker, n in share_rows}
    print()
    print(table(kinds, args, states, shares, rate_limited))
    print()
    print(f"bot logs: {work}")
    ok = all(k.duplicates == 0 and k.delivered == k.expected for k in kinds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
