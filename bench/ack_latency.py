"""Ack latency under a burst: incidentbot's HTTP mode against a bare Bolt app that only acknowledges.

    .venv/bin/python -m bench.ack_latency [--burst 300] [--rounds 3] [--database sqlite|postgres]

The bot and two bare apps (Bolt's defaults, and with the listener on the request thread as the
bot runs it) are separate processes, with the fake Slack Web API in another. Each round sends
the same mix of signed requests, all at once, to each server in turn; the table reports the
median over rounds of p50/p99/max and the ratios bot/bare. After each round, every request's side
effects are counted in the database and in the Web API calls. Every round, the first included,
starts from an idle bot, so no after-ack work (a burst's, or the anchor incident's set-up) weighs
on a burst's acks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.support import ROOT, Answer, FakeSlackProcess, cpu_seconds, post, slack_env, summary
from tests.e2e.helpers import declare_state
from tests.support import signing
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import free_port

SECRET = "bench-secret"


def start_server(module: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, *module], cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/events", timeout=1)
        except urllib.error.HTTPError:
            return process  # it answers (405/404 for a GET): it is up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start; see {log}")


def request_mix(
    burst: int, channel: str, incident_id: int, round_no: int, only: int | None = None
) -> list[tuple[str, str]]:
    """Slash commands, block actions, view submissions and reaction events, in equal turns."""
    bodies: list[tuple[str, str]] = []
    for index in range(burst):
        kind = index % 6 if only is None else only
        if kind == 0:
            bodies.append(signing.slash_command("help", channel_id=channel))
        elif kind == 1:
            bodies.append(signing.slash_command("list", channel_id=channel))
        elif kind == 2:
            bodies.append(
                signing.slash_command(f"note r{round_no} n{index} checked the dashboards", channel_id=channel)
            )
        elif kind == 3:
            bodies.append(signing.block_action("open_assign_roles", str(incident_id), channel_id=channel))
        elif kind == 4:
            state = declare_state(title=f"Burst r{round_no} n{index}", severity="3")
            bodies.append(signing.view_submission("declare_incident", state))
        else:
            event = {
                "type": "reaction_added",
                "user": "U002",
                "reaction": "pushpin",
                "item": {"type": "message", "channel": channel, "ts": f"1700000{round_no:03d}.{index:06d}"},
                "item_user": "U003",
                "event_ts": "1700000000.000001",
            }
            bodies.append(signing.event_callback(event, event_id=f"EvBench{round_no}x{index}"))
    return bodies


async def burst(port: int, bodies: list[tuple[str, str]]) -> list[Answer]:
    async def one(body: str, content_type: str) -> Answer:
        headers = {**signing.sign(SECRET, body), "Content-Type": content_type}
        return await post(port, "/slack/events", body.encode(), headers)

    return await asyncio.gather(*(one(b, c) for b, c in bodies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--only", type=int, choices=range(6), help="send only one kind of request (diagnosis)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ack-bench-"))
    postgres = ThrowawayPostgres() if args.database == "postgres" else None
    database_url = postgres.start() if postgres else f"sqlite:///{workdir / 'bench.db'}"
    slack = FakeSlackProcess()
    env = slack_env(slack.url, SECRET)
    bot_port = free_port()
    bot = start_server(
        ["app.py"],
        {**env, "DATABASE_URL": database_url, "PORT": str(bot_port)},
        bot_port,
        workdir / "bot.log",
    )
    bares = {name: _start_bare(flags, env, workdir) for name, flags in BARES.items()}
    ports = {**{name: port for name, (_, port) in bares.items()}, BOT: bot_port}
    try:
        channel, incident_id = asyncio.run(_prepare(bot_port, database_url))
        # The anchor's set-up goes on after its channel is ready (checklists, paced posts): the
        # first burst, like every later one, starts from a quiet bot.
        wait_until_idle(bot.pid)
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in ports}
        errors = dict.fromkeys(ports, 0)
        effects: dict[str, tuple[int, int]] = {}
        for round_no in range(args.rounds):
            bodies = request_mix(args.burst, channel, incident_id, round_no, args.only)
            for name, port in ports.items():
                answers = asyncio.run(burst(port, bodies))
                errors[name] += sum(1 for a in answers if not 200 <= a.status < 300)
                results[name].append(summary([a.seconds for a in answers]))
            # Each burst starts from a quiet bot: the work after this burst's acks (channels to
            # create, paced posts) must not land on the next burst's acks.
            effects = _side_effects(database_url, slack, args.burst, round_no + 1, args.only)
            wait_until_idle(bot.pid)
        _print_table(results, errors, args, effects)
    finally:
        for process in (bot, *(process for process, _ in bares.values())):
            process.terminate()
            process.wait(timeout=60)  # a graceful stop finishes acknowledged work first
        slack.stop()
        if postgres:
            postgres.stop()


BOT = "incidentbot"
BARES = {
    "bare Bolt (ack only)": [],
    "bare Bolt (ack only), listener on the request thread": ["--process-before-response"],
}
"""The bare app as Bolt sets it up by default, and as incidentbot runs its listeners."""


def _start_bare(flags: list[str], env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = workdir / f"bare-{len(flags)}.log"
    return start_server(["-m", "bench.bare_bolt", *flags], {**env, "PORT": str(port)}, port, log), port


IDLE_CPU_SECONDS = 0.02
"""CPU a process may use over half a second and still count as idle (a scheduler tick, a ping)."""


def wait_until_idle(pid: int, timeout: float = 120.0) -> None:
    """Wait until the process has used (almost) no CPU for half a second (Linux; else a pause)."""
    if not Path(f"/proc/{pid}/stat").exists():
        time.sleep(5)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before <= IDLE_CPU_SECONDS:
            return
    raise RuntimeError(f"process {pid} stayed busy for {timeout:.0f} s after a burst")


async def _prepare(port: int, database_url: str) -> tuple[str, int]:
    body, content_type = signing.view_submission("declare_incident", declare_state(title="Bench anchor"))
    headers = {**signing.sign(SECRET, body), "Content-Type": content_type}
    await post(port, "/slack/events", body.encode(), headers)
    engine = create_engine(database_url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with engine.connect() as db:
            row = db.execute(text("SELECT channel_id, id FROM incidents WHERE setup_state = 'ready'")).first()
        if row:
            engine.dispose()
            return str(row[0]), int(row[1])
        await asyncio.sleep(0.1)
    raise RuntimeError("the anchor incident was not set up")


def _side_effects(
    database_url: str, slack: FakeSlackProcess, burst: int, rounds: int, only: int | None
) -> dict[str, tuple[int, int]]:
    """(expected, found) for what each kind of request must have left behind."""
    sent = [i % 6 if only is None else only for i in range(burst)]
    per_kind = {kind: sent.count(kind) * rounds for kind in range(6)}
    engine = create_engine(database_url)
    deadline = time.monotonic() + 120
    found: dict[str, tuple[int, int]] = {}
    while time.monotonic() < deadline:
        with engine.connect() as db:
            declared = db.execute(
                text("SELECT count(*) FROM incidents WHERE title LIKE 'Burst%'")
            ).scalar_one()
            ready = db.execute(
                text("SELECT count(*) FROM incidents WHERE title LIKE 'Burst%' AND setup_state='ready'")
            ).scalar_one()
            notes = db.execute(
                text("SELECT count(*) FROM timeline_events WHERE source = 'note'")
            ).scalar_one()
            events = db.execute(
                text("SELECT count(*) FROM processed_events WHERE event_id LIKE 'EvBench%'")
            ).scalar_one()
        counts = slack.counts()
        found = {
            "incidents declared (rows)": (per_kind[4], int(declared)),
            "incident channels set up": (per_kind[4], int(ready)),
            "notes on the timeline (rows)": (per_kind[2], int(notes)),
            "reaction events recorded once (rows)": (per_kind[5], int(events)),
            "role modals opened (views.open)": (per_kind[3], counts.get("views.open", 0)),
        }
        if all(got >= want for want, got in found.values()):
            break
        time.sleep(1)
    engine.dispose()
    return found


def _print_table(
    results: dict[str, list[dict[str, Any]]],
    errors: dict[str, int],
    args: Any,
    effects: dict[str, tuple[int, int]],
) -> None:
    print(f"\n{args.burst} concurrent signed requests x {args.rounds} rounds, database {args.database}\n")
    print("| server | p50 ack (ms) | p99 ack (ms) | max ack (ms) | non-2xx |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, rounds in results.items():
        medians[name] = {
            key: statistics.median(r[key] for r in rounds) for key in ("p50_ms", "p99_ms", "max_ms")
        }
        m = medians[name]
        print(f"| {name} | {m['p50_ms']:.0f} | {m['p99_ms']:.0f} | {m['max_ms']:.0f} | {errors[name]} |")
    bot = medians[BOT]
    print()
    for name in BARES:
        bare = medians[name]
        p50_ratio, p99_ratio = bot["p50_ms"] / bare["p50_ms"], bot["p99_ms"] / bare["p99_ms"]
        print(f"ratio incidentbot / {name}: p50 {p50_ratio:.2f}, p99 {p99_ratio:.2f}")
    print()
    print("| side effect | expected | found |")
    print("|---|---|---|")
    for name, (want, got) in effects.items():
        print(f"| {name} | {want} | {got} |")
    print(json.dumps({"medians": medians, "errors": errors}), file=sys.stderr)


if __name__ == "__main__":
    main()
