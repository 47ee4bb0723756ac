"""Outgoing webhooks: 10,000 deliveries to a local receiver that fails 20 % of the time.

    .venv/bin/python -m bench.webhooks                       # SQLite in a temporary file
    .venv/bin/python -m bench.webhooks --url postgresql+psycopg://…/db
    .venv/bin/python -m bench.webhooks --retry-first 0.2     # a shorter first backoff

Events are recorded as the bot records them (one transaction each, at `--rate` a second, spread
over `--incidents` incidents) while the dispatcher runs as in the bot (its own thread, 16 workers,
at most 4 per endpoint). The receiver answers 500 to a random fifth of the requests. At the end
it checks that every event was taken, none lost, and that each incident's events were first taken
in the order they were recorded; it prints the lateness (first 2xx minus recording) p50/p99.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidentbot.clock import SystemClock
from incidentbot.incident.models import Severity
from incidentbot.kernel.ports import NewIncident
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.webhooks import dispatch
from incidentbot.webhooks.dispatch import Dispatcher
from incidentbot.webhooks.model import WebhookEndpoint
from incidentbot.webhooks.ports import NewDelivery
from incidentbot.webhooks.sql_webhooks import SqlDeliveries, deliveries_in
from tests.webhooks.receiver import Received, Receiver

SECRET = "whsec-bench-0123456789abcdef"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200.0, help="events recorded a second")
    parser.add_argument("--fail", type=float, default=0.2, help="share of requests answered 500")
    parser.add_argument("--retry-first", type=float, default=None, help="seconds; the bot's is 5")
    parser.add_argument("--url", default=None, help="a SQLAlchemy URL; SQLite in a temp file if omitted")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # one line per 500 answered is noise here
    if args.retry_first is not None:
        dispatch.RETRY_FIRST = timedelta(seconds=args.retry_first)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        print(json.dumps(run(url, args), indent=2))


def run(url: str, args: argparse.Namespace) -> dict[str, object]:
    engine = make_engine(url)
    migrate(engine)
    store = SqlStore(engine)
    incidents = _incidents(store, args.incidents)
    receiver = Receiver().start()
    chance = random.Random(19)
    receiver.answer_next(*(500 if chance.random() < args.fail else 200 for _ in range(args.deliveries * 3)))
    endpoint = WebhookEndpoint(url=receiver.url, secret=SECRET, allow_http_loopback=True)
    dispatcher = Dispatcher(lambda: deliveries_in(store), [endpoint], SystemClock(), worker="bench")
    dispatcher.start()
    load_before = os.getloadavg()
    started = time.monotonic()
    recorded = _record(store, endpoint.url, incidents, args.deliveries, args.rate)
    deadline = time.monotonic() + 3600
    while len({r.payload["id"] for r in receiver.accepted}) < len(recorded) and time.monotonic() < deadline:
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    dispatcher.stop()
    receiver.stop()
    engine.dispose()
    return _report(recorded, receiver, elapsed, load_before, os.getloadavg())


def _incidents(store: SqlStore, count: int) -> list[int]:
    now = datetime.now(UTC)
    with store.transaction() as tx:
        return [
            tx.add_incident(
                NewIncident("T0001", f"Bench {n}", Severity.SEV2, "-", False, "U001", now, None)
            ).id
            for n in range(count)
        ]


def _record(
    store: SqlStore, url: str, incidents: list[int], count: int, rate: float
) -> dict[str, tuple[int, float]]:
    """Record `count` events, one transaction each, paced to `rate`; id → (incident, epoch time)."""
    recorded: dict[str, tuple[int, float]] = {}
    begun = time.monotonic()
    for n in range(count):
        pause = begun + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        incident, event_id, at = incidents[n % len(incidents)], f"evt_{n:06d}", datetime.now(UTC)
        body = json.dumps({"id": event_id, "type": "timeline.entry_added", "incident": None, "data": {}})
        with store.transaction() as tx:
            SqlDeliveries(tx).add(NewDelivery(event_id, "timeline.entry_added", url, incident, n, body, at))
        recorded[event_id] = (incident, at.timestamp())
    return recorded


def _report(
    recorded: dict[str, tuple[int, float]],
    receiver: Receiver,
    elapsed: float,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> dict[str, object]:
    first: dict[str, Received] = {}
    for got in receiver.accepted:
        first.setdefault(got.payload["id"], got)
    order: dict[int, list[str]] = defaultdict(list)
    for event_id in sorted(first, key=lambda e: first[e].at):
        order[recorded[event_id][0]].append(event_id)
    in_order = all(ids == sorted(ids) for ids in order.values())
    lateness = sorted(first[e].at - recorded[e][1] for e in first)
    taken = {id(got) for got in receiver.accepted}
    failed = sum(1 for got in receiver.received if id(got) not in taken)
    return {
        "recorded": len(recorded),
        "delivered": len(first),
        "lost": len(set(recorded) - set(first)),
        "in_order_per_incident": in_order,
        "requests": len(receiver.received),
        "answered_500": failed,
        "repeats_after_a_2xx": len(receiver.accepted) - len(first),
        "lateness_p50_s": round(statistics.median(lateness), 3),
        "lateness_p99_s": round(lateness[int(len(lateness) * 0.99) - 1], 3),
        "lateness_max_s": round(lateness[-1], 3),
        "elapsed_s": round(elapsed, 1),
        "load_before": load_before,
        "load_after": load_after,
    }


if __name__ == "__main__":
    main()
