"""Timeline speed: capture 10,000 messages on one incident, then export them.

    python bench/timeline_speed.py [--events 10000] [--http-sample 500]

Runs on SQLite (a file) and on a throwaway PostgreSQL server, and prints a Markdown table:
- capture: `timeline_capture.capture` (the 📌 path) with an in-process Slack that answers at once,
  so the figure is the bot's own work plus the database; one transaction per capture, as in use;
- capture over HTTP: the same through the real `SlackWorkspace` and the fake Slack Web API on
  127.0.0.1 (history, permalink, confirmation reaction: three Web API calls a capture);
- export: reading all entries back and rendering the Markdown table (and the CSV).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import Severity
from incidentbot.incident.policy import Policy
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import ChannelMessage, Person, Workspace
from incidentbot.rendering import Renderer
from incidentbot.slack.gateway import SlackWorkspace, make_client
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline.render_exports import ExportRenderer
from incidentbot.wiring import build_registry
from tests.support.fake_slack import FakeSlack
from tests.support.memory import RecordingWorkspace
from tests.support.postgres import ThrowawayPostgres, find_pg_bin

BASE_EPOCH = 1_767_225_600  # 2026-01-01 00:00 UTC
CHANNEL = "CBENCH"
EXPORT_RUNS = 7


class InstantSlack(RecordingWorkspace):
    """Answers every message lookup at once, without keeping a call log."""

    def _record(self, name: str, payload: object) -> None:
        pass

    def person(self, user_id: str) -> Person | None:
        return Person(user_id, "alice")

    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        return ChannelMessage(ts=ts, author_id="U001", author_name="alice", text=f"Step at {ts}: rolled back")


@dataclass
class Result:
    database: str
    capture: list[float]
    http_capture: list[float]
    export_md: list[float]
    export_csv: list[float]
    exported_rows: int


def _ts(n: int) -> str:
    return f"{BASE_EPOCH + n}.{n % 1_000_000:06d}"


def _services(store: SqlStore, workspace: Workspace) -> Services:
    return Services(
        store=store, workspace=workspace, policy=Policy(), clock=ManualClock(), handlers=build_registry()
    )


def _incident_in(services: Services, channel: str) -> int:
    declaration = declare.Declaration(
        team_id="T1", title="Bench", severity=Severity.SEV2, impact="-", declared_by="U001"
    )
    with services.store.transaction() as tx:
        # Recorded only: the bench sets the channel itself instead of running the setup it owes.
        recorded = declare.record_in(commands.unit_of_work(services, tx, services.clock.now()), declaration)
    with services.store.transaction() as tx:
        tx.save_incident(recorded.model_copy(update={"channel_id": channel}))
    return recorded.id


def _capturing(services: Services, channel: str, n: int) -> Callable[[], object]:
    """One capture of the `n`th message, as the 📌 path runs it."""
    return lambda: timeline_capture.capture(services, timeline_capture.Marked(channel, _ts(n), "U002"))


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(database: str, url: str, events: int, http_sample: int) -> Result:
    engine = make_engine(url)
    migrate(engine)
    store = SqlStore(engine)
    services = _services(store, InstantSlack())
    incident_id = _incident_in(services, CHANNEL)
    capture = [_timed(_capturing(services, CHANNEL, n)) for n in range(events)]
    exporter = ExportRenderer(Renderer())

    def export(fmt: str) -> int:
        with store.transaction() as tx:
            incident = tx.get_incident(incident_id)
            entries = tx.events(incident_id)
        assert incident is not None
        return len(exporter.timeline(incident, entries, fmt))

    rows = len(store_events(store, incident_id))
    export_md = [_timed(lambda: export("md")) for _ in range(EXPORT_RUNS)]
    export_csv = [_timed(lambda: export("csv")) for _ in range(EXPORT_RUNS)]
    http_capture = _http_captures(store, http_sample)
    engine.dispose()
    return Result(database, capture, http_capture, export_md, export_csv, rows)


def store_events(store: SqlStore, incident_id: int) -> list[object]:
    with store.transaction() as tx:
        return list(tx.events(incident_id))


def _http_captures(store: SqlStore, sample: int) -> list[float]:
    with FakeSlack() as slack:
        channel = slack.add_channel("inc-bench-http")
        for n in range(sample):
            slack.add_message(channel, _ts(n), user="U001", text=f"Step {n} @bob")
        workspace = SlackWorkspace(make_client("xoxb-bench", slack.url), Renderer())
        services = _services(store, workspace)
        _incident_in(services, channel)
        return [_timed(_capturing(services, channel, n)) for n in range(sample)]


@contextmanager
def databases() -> Iterator[list[tuple[str, str]]]:
    with tempfile.TemporaryDirectory() as directory:
        found = [("SQLite", f"sqlite:///{Path(directory) / 'bench.db'}")]
        with ThrowawayPostgres(find_pg_bin()) as server:
            found.append(("PostgreSQL 15", server.create_database("bench_timeline")))
            yield found


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms"


def _p95(values: list[float]) -> str:
    return f"{statistics.quantiles(values, n=20)[-1] * 1000:.2f} ms"


def table(results: list[Result], events: int, http_sample: int) -> str:
    lines = [
        f"| Database | capture, median (p95) of {events:,} | capture over HTTP, median (p95) of "
        f"{http_sample:,} | export {events:,} as Markdown, median of {EXPORT_RUNS} | "
        f"export as CSV, median of {EXPORT_RUNS} |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {_ms(r.capture)} ({_p95(r.capture)}) | {_ms(r.http_capture)} "
            f"({_p95(r.http_capture)}) | {_ms(r.export_md)} | {_ms(r.export_csv)} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--http-sample", type=int, default=500)
    args = parser.parse_args()
    results = []
    with databases() as found:
        for name, url in found:
            print(f"{name}: capturing {args.events:,} messages…", file=sys.stderr)
            result = run(name, url, args.events, args.http_sample)
            if result.exported_rows != args.events + 1:  # the captures and the declaration
                raise SystemExit(f"{name}: expected {args.events + 1} entries, found {result.exported_rows}")
            results.append(result)
    print(table(results, args.events, args.http_sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
