"""The status page's speed: publish → visible, summary.json under 100 readers, a full export.

    .venv/bin/python -m bench.status_page [--incidents 1000] [--readers 100] [--runs 20]
        [--reader-processes 2] [--reader-mode both|python|ab] [--ab-rounds 1]

One bot (HTTP mode, SQLite, the fake Slack Web API) in this process. First, `--runs` times: a
customer text is submitted through the signed form, as Slack sends it, and the page, the JSON
and the Atom feed are polled until all three show it. Then `--incidents` past incidents of ten
published updates each are stored through the same publishing code, and `--readers` readers read
`summary.json` at once, 20 times each, each on its own kept-alive connection, from
`--reader-processes` other processes (readers in the bot's own process would compete with it for
the interpreter, which real readers do not). Those readers are Python (`http.client`, one thread
each) on the same cores as the server, so their own interpreter is part of what they measure. The
other reader mode measures the server: ApacheBench (`ab -k -c <readers> -n <20 per reader>`, one
process in C) reads the same document, once plainly and once with `Accept-Encoding: gzip` (when
the server compresses), `--ab-rounds` times, alternating. `ab` comes with Debian's
`apache2-utils` (`apt-get install apache2-utils`); without it that mode is skipped with a message
saying so. Last, the whole site is exported from scratch three times, then rewritten three times
after one more publication, as the bot does after each.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from multiprocessing import get_context
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


def publish_to_visible(bot: RunningBot, runs: int) -> tuple[list[float], list[float]]:
    """How long until the page, JSON and feed show it, and of that until the text was committed."""
    took, committed = [], []
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
        while not is_published(bot, incident.id):
            if time.monotonic() - start > 30:
                raise RuntimeError("the text was never published")
            time.sleep(0.005)
        committed.append(time.monotonic() - start)
        for path in ("/status/", "/status/api/v2/summary.json", "/status/history.atom"):
            while marker.encode() not in fetch(bot.base_url + path):
                if time.monotonic() - start > 30:
                    raise RuntimeError(f"{path} never showed the text")
                time.sleep(0.005)
        took.append(time.monotonic() - start)
    return took, committed


def is_published(bot: RunningBot, incident_id: int) -> bool:
    with bot.services.store.transaction() as tx:
        return sql_of(tx).public_incident(incident_id) is not None


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


def read_summary(port: int, count: int, each: int) -> list[float]:
    """`count` readers in this process, each reading summary.json `each` times on one connection."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def read() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        mine = []
        for _ in range(each):
            began = time.perf_counter()
            connection.request("GET", "/status/api/v2/summary.json")
            answer = connection.getresponse()
            answer.read()
            mine.append(time.perf_counter() - began)
            assert answer.status == 200, answer.status
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def readers(bot: RunningBot, count: int, each: int, processes: int) -> list[float]:
    fetch(bot.base_url + "/status/api/v2/summary.json")  # the first reader renders it; the others share it
    port = int(bot.base_url.rsplit(":", 1)[1])
    shares = [count // processes + (1 if n < count % processes else 0) for n in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        found = list(pool.map(read_summary, [port] * processes, shares, [each] * processes))
    return [latency for share in found for latency in share]


READS_EACH = 20
SUMMARY = "/status/api/v2/summary.json"


def ab_readers(bot: RunningBot, count: int, *, gzip: bool) -> str:
    """One line: `ab`'s percentiles for `count` kept-alive readers, 20 reads each."""
    ab = shutil.which("ab")
    if ab is None:
        return "ab: not installed, skipped (apt-get install apache2-utils)"
    if gzip and not compresses(bot):
        return "ab with Accept-Encoding gzip: the server does not compress, skipped"
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "percentiles.csv"
        command = [ab, "-q", "-k", "-c", str(count), "-n", str(count * READS_EACH), "-e", str(table)]
        if gzip:
            command += ["-H", "Accept-Encoding: gzip"]
        done = subprocess.run([*command, bot.base_url + SUMMARY], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not table.exists():
            return f"ab failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
        served = dict(line.split(",") for line in table.read_text().splitlines()[1:])
    stats = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in done.stdout.splitlines())}
    return (
        f"ab -k -c {count} -n {count * READS_EACH}{' gzip' if gzip else ''}: "
        f"p50 {float(served['50']):.1f} ms, p99 {float(served['99']):.1f} ms, "
        f"max {float(served['100']):.1f} ms; {stats.get('Requests per second', '?')}, "
        f"document {stats.get('Document Length', '?')}, failed {stats.get('Failed requests', '?')}, "
        f"non-2xx {stats.get('Non-2xx responses', '0')}"
    )


def compresses(bot: RunningBot) -> bool:
    port = int(bot.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", SUMMARY, headers={"Accept-Encoding": "gzip"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.getheader("Content-Encoding") == "gzip"


def seed_one(bot: RunningBot, title: str) -> None:
    clock = bot.clock
    names = [c.name for c in bot.bot.deps.status_page.config.components]  # type: ignore[union-attr]
    with bot.services.store.transaction() as tx:
        incident = tx.add_incident(
            NewIncident(
                team_id="T0002",
                title=title,
                severity=Severity.SEV2,
                impact="Slow pages",
                is_private=False,
                declared_by="U001",
                declared_at=clock.now(),
                next_update_due=None,
            )
        )
        text = tx.add_comms_text(
            NewCommsText(incident.id, CommsAudience.CUSTOMER, Status.INVESTIGATING, GOOD, "U001", clock.now())
        )
        publication = Publication(name=title, components=dict.fromkeys(names, ComponentState.MAJOR_OUTAGE))
        publish_in(sql_of(tx), incident, text, publication, clock.now() + timedelta(minutes=30))


def exports(bot: RunningBot, target: Path, runs: int, *, fresh: bool) -> tuple[list[float], int]:
    page = bot.bot.deps.status_page
    assert page is not None
    took, count = [], 0
    for run in range(runs):
        if not fresh:
            seed_one(bot, f"One more {run}")
            bot.clock.advance(timedelta(seconds=2))  # past the readers' recheck: a new version
        began = time.perf_counter()
        count = write_site(page.overview(), target / (f"fresh-{run}" if fresh else "kept"))
        took.append(time.perf_counter() - began)
    return took, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reader-processes", type=int, default=2)
    parser.add_argument("--reader-mode", choices=("both", "python", "ab"), default="both")
    parser.add_argument("--ab-rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        config = team_with_page("API", "Dashboard", "Payments", "Webhooks")
        with running_bot(slack, f"sqlite:///{Path(tmp) / 'bench.db'}", ManualClock(), config) as bot:
            took, committed = publish_to_visible(bot, args.runs)
            print(
                f"publish → page, JSON and feed: p50 {ms(statistics.median(took))}, "
                f"p99 {ms(percentile(took, 0.99))}, max {ms(max(took))} ({args.runs} runs); "
                f"of which until committed: p50 {ms(statistics.median(committed))}, "
                f"max {ms(max(committed))}"
            )
            began = time.perf_counter()
            seed(bot, args.incidents)
            bot.clock.advance(timedelta(seconds=2))  # stored behind the bot's back: past its recheck
            updates = args.incidents * len(STAGES)
            print(
                f"seeded {args.incidents} incidents, {updates} updates in {time.perf_counter() - began:.1f} s"
            )
            if args.reader_mode in ("both", "python"):
                latencies = readers(bot, args.readers, READS_EACH, args.reader_processes)
                print(
                    f"summary.json, {args.readers} Python readers in {args.reader_processes} processes, "
                    f"{READS_EACH} reads each: p50 {ms(statistics.median(latencies))}, "
                    f"p99 {ms(percentile(latencies, 0.99))}, max {ms(max(latencies))}"
                )
            if args.reader_mode in ("both", "ab"):
                fetch(bot.base_url + SUMMARY)  # rendered before the readers come
                for _ in range(args.ab_rounds):
                    print("summary.json, " + ab_readers(bot, args.readers, gzip=False), flush=True)
                    print("summary.json, " + ab_readers(bot, args.readers, gzip=True), flush=True)
            took, count = exports(bot, Path(tmp), 3, fresh=True)
            print(
                f"full export from scratch ({count} files, reading the database included): "
                f"median {statistics.median(took):.2f} s, runs {', '.join(f'{e:.2f}' for e in took)}"
            )
            exports(bot, Path(tmp), 1, fresh=False)  # the copy later exports rewrite
            took, count = exports(bot, Path(tmp), 3, fresh=False)
            print(
                f"export after one more publication ({count} files): "
                f"median {statistics.median(took):.2f} s, runs {', '.join(f'{e:.2f}' for e in took)}"
            )


if __name__ == "__main__":
    main()
