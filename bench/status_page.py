"""The status page's speed: publish → visible, summary.json under 100 readers, a full export.

    .venv/bin/python -m bench.status_page [--incidents 1000] [--readers 100] [--runs 20]

One bot (HTTP mode, SQLite, the fake Slack Web API) in this process. First, `--runs` times: a
customer text is submitted through the signed form, as Slack sends it, and the page, the JSON
and the Atom feed are polled until all three show it. Then `--incidents` past incidents of ten
published updates each are stored through the same publishing code, and `--readers` threads read
`summary.json` at once, 20 times each; last, the whole site is exported, three times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from incidentbot.clock import ManualClock
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.ports import NewIncident
from incidentbot.status_page.export import write_site
from incidentbot.status_page.model import ComponentState, Publication
from incidentbot.status_page.publishing import publish_in
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.ports import NewCommsText
from tests.e2e.helpers import declare_state
from tests.status_page.helpers import API, GOOD, form_state, team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

STAGES = [Status.INVESTIGATING, Status.IDENTIFIED, *[Status.MONITORING] * 7, Status.RESOLVED]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        body: bytes = answer.read()
        return body


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def publish_to_visible(bot: RunningBot, runs: int) -> list[float]:
    took = []
    for run in range(runs):
        bot.client.submit(
            "declare_incident",
            declare_state(title=f"Bench {run}"),
            user_id="U001",
            private_metadata='{"channel": "C0GENERAL"}',
        )
        deadline = time.monotonic() + 30
        while (incident := bot.incident(run + 1)) is None or incident.channel_id is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the incident was not set up")
            time.sleep(0.01)
        marker = f"marker-{run}-{time.time_ns()}"
        text = GOOD.replace("some customers", f"some customers ({marker})")
        promised = int(bot.clock.now().timestamp()) + 900
        metadata = json.dumps(
            {
                "incident_id": incident.id,
                "channel": incident.channel_id,
                "audience": "customer",
                "stage": "investigating",
                "status_page_next": promised,
            }
        )
        start = time.monotonic()
        answer = bot.client.submit(
            "comms_text",
            form_state(text, "Checkout unavailable", {API: "major_outage"}),
            user_id="U001",
            private_metadata=metadata,
        )
        assert answer.status == 200 and not answer.body, answer.body
        for path in ("/status/", "/status/api/v2/summary.json", "/status/history.atom"):
            while marker.encode() not in fetch(bot.base_url + path):
                if time.monotonic() - start > 30:
                    raise RuntimeError(f"{path} never showed the text")
                time.sleep(0.005)
        took.append(time.monotonic() - start)
    return took


def seed(bot: RunningBot, incidents: int) -> None:
    clock = bot.clock
    names = [c.name for c in bot.bot.deps.status_page.config.components]  # type: ignore[union-attr]
    with bot.services.store.transaction() as tx:
        for number in range(incidents):
            at = clock.now() - timedelta(days=number * 0.4 + 1)
            incident = tx.add_incident(
                NewIncident(
                    team_id="T0002",
                    title=f"Past {number}",
                    severity=Severity.SEV2,
                    impact="Slow pages",
                    is_private=False,
                    declared_by="U001",
                    declared_at=at,
                    next_update_due=None,
                )
            )
            for step, stage in enumerate(STAGES):
                when = at + timedelta(minutes=10 * step)
                text = tx.add_comms_text(
                    NewCommsText(incident.id, CommsAudience.CUSTOMER, stage, GOOD, "U001", when)
                )
                state = ComponentState.PARTIAL_OUTAGE if stage.is_open else ComponentState.OPERATIONAL
                publication = Publication(name=f"Slow pages {number}", components=dict.fromkeys(names, state))
                publish_in(sql_of(tx), incident, text, publication, when + timedelta(minutes=30))


def readers(bot: RunningBot, count: int, each: int) -> list[float]:
    url = bot.base_url + "/status/api/v2/summary.json"
    fetch(url)  # the first reader renders it; the others share it
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def read() -> None:
        start.wait()
        mine = []
        for _ in range(each):
            began = time.perf_counter()
            fetch(url)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        config = team_with_page("API", "Dashboard", "Payments", "Webhooks")
        with running_bot(slack, f"sqlite:///{Path(tmp) / 'bench.db'}", ManualClock(), config) as bot:
            took = publish_to_visible(bot, args.runs)
            print(
                f"publish → page, JSON and feed: p50 {ms(statistics.median(took))}, "
                f"p99 {ms(percentile(took, 0.99))}, max {ms(max(took))} ({args.runs} runs)"
            )
            began = time.perf_counter()
            seed(bot, args.incidents)
            updates = args.incidents * len(STAGES)
            print(
                f"seeded {args.incidents} incidents, {updates} updates in {time.perf_counter() - began:.1f} s"
            )
            latencies = readers(bot, args.readers, 20)
            print(
                f"summary.json, {args.readers} concurrent readers, 20 reads each: "
                f"p50 {ms(statistics.median(latencies))}, p99 {ms(percentile(latencies, 0.99))}, "
                f"max {ms(max(latencies))}"
            )
            page = bot.bot.deps.status_page
            assert page is not None
            exports = []
            for _ in range(3):
                began = time.perf_counter()
                count = write_site(page.overview(), Path(tmp) / "site")
                exports.append(time.perf_counter() - began)
            print(
                f"full export ({count} files, overview read from the database included): "
                f"median {statistics.median(exports):.2f} s, runs {', '.join(f'{e:.2f}' for e in exports)}"
            )


if __name__ == "__main__":
    main()
