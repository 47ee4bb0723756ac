"""10,000 confirmed subscribers, one published update: every mail delivered, none twice, none lost
when the sending process is killed (SIGKILL) in the middle and another one takes over.

    .venv/bin/python -m bench.status_subscribers [--postgres] [--subscribers 10000] [--kill-after 3000]
        [--data-delay-ms 0]

This process runs a real SMTP server (aiosmtpd) and seeds a SQLite database: a public incident,
one published update, the subscribers, and the fan-out row publishing owes. A bot process
(`--worker`) then does what the scheduler does, delivering due rows in a loop; once the server
has `--kill-after` mails it is killed with SIGKILL, and a second bot process finishes the work
(after the dead one's leases expire). Reported: time to the last mail, mails received, distinct
recipients, and duplicates; and how long after the server took each mail the bot read its answer
(the `sent_at` it then records, one statement before the mark commits): a process killed in that
gap mails again, so the mails doubled by a kill are about the sending rate times that gap.
`--data-delay-ms` makes the server wait that long before it answers a mail's data, as a distant
relay does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, insert, select

from incidentbot.clock import SystemClock
from incidentbot.config import Settings
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.ports import NewIncident
from incidentbot.kernel.reminders import fire_due
from incidentbot.status_page.model import ComponentState, Publication
from incidentbot.status_page.notify import FAN_OUT
from incidentbot.status_page.publishing import publish_in
from incidentbot.status_page.sql_store import sql_of
from incidentbot.status_page.sql_subscriber_tables import status_page_deliveries, status_page_subscribers
from incidentbot.status_page.sql_subscribers import sql_of as subscribers_of
from incidentbot.wiring import build_bot
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.ports import NewCommsText
from tests.status_page.helpers import API, GOOD, team_with_page
from tests.status_page.mailbox import free_port
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres

TARGET = timedelta(minutes=5)


class Counting:
    """The SMTP server's handler: counts each recipient's mails and their Message-IDs."""

    def __init__(self, delay: float = 0.0) -> None:
        self.to: Counter[str] = Counter()
        self.ids: Counter[str] = Counter()
        self.taken_at: dict[str, float] = {}
        """Each recipient's first mail: when the server took it (wall clock, as the bot's)."""
        self.last_at = 0.0
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        message_id = next(
            (
                line.split(b":", 1)[1].strip()
                for line in envelope.content.splitlines()
                if line.lower().startswith(b"message-id:")
            ),
            b"",
        )
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.taken_at.setdefault(recipient, time.time())
            self.to.update(envelope.rcpt_tos)
            self.ids[message_id.decode()] += 1
            self.last_at = time.monotonic()
        return "250 OK"

    def received(self) -> int:
        with self.lock:
            return sum(self.to.values())


def settings(database_url: str, smtp_port: int, slack_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench",
        slack_api_url=slack_url,
        database_url=database_url,
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
        status_page_from="Acme status <status@acme.test>",
    )


def seed(database_url: str, smtp_port: int, slack_url: str, subscribers: int) -> None:
    bot = build_bot(settings(database_url, smtp_port, slack_url), team_with_page())
    now = datetime.now(UTC)
    try:
        with bot.services.store.transaction() as tx:
            incident = tx.add_incident(
                NewIncident(
                    team_id="T0001",
                    title="Checkout failing",
                    severity=Severity.SEV1,
                    impact="Checkout fails",
                    is_private=False,
                    declared_by="U001",
                    declared_at=now,
                    next_update_due=None,
                )
            )
            text = tx.add_comms_text(
                NewCommsText(incident.id, CommsAudience.CUSTOMER, Status.INVESTIGATING, GOOD, "U001", now)
            )
            publication = Publication(
                name="Checkout unavailable", components={API: ComponentState.MAJOR_OUTAGE}
            )
            publish_in(sql_of(tx), incident, text, publication, now + timedelta(minutes=30))
            subscribers_of(tx).db.execute(
                insert(status_page_subscribers),
                [
                    {
                        "channel": "email",
                        "address": f"reader{n}@example.com",
                        "components": None,
                        "state": "confirmed",
                        "unsubscribe_token": f"token-{n}",
                        "bounces": 0,
                        "created_at": now,
                        "confirmed_at": now,
                    }
                    for n in range(subscribers)
                ],
            )
            published = subscribers_of(tx).update_of_text(text.id)
            assert published is not None
            tx.add_outbox_row(FAN_OUT, incident.id, published[0], now, now)
    finally:
        bot.close()


def work(database_url: str, smtp_port: int, slack_url: str) -> None:
    """A bot process's delivery loop, as its scheduler runs it; runs until killed or stopped."""
    bot = build_bot(settings(database_url, smtp_port, slack_url), team_with_page(), clock=SystemClock())
    worker = f"bench-{os.getpid()}"
    parallel = bot.settings.reminder_parallelism  # 1 on SQLite, REMINDER_THREADS (8) on PostgreSQL
    while True:
        if not fire_due(bot.services, worker, parallel=parallel).delivered:
            time.sleep(0.5)


def start_worker(database_url: str, smtp_port: int, slack_url: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "bench.status_subscribers",
        "--worker",
        database_url,
        str(smtp_port),
        slack_url,
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--kill-after", type=int, default=3_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL, not SQLite")
    parser.add_argument("--data-delay-ms", type=float, default=0.0, help="the server's wait before its 250")
    parser.add_argument("--worker", nargs=3, metavar=("DATABASE_URL", "SMTP_PORT", "SLACK_URL"))
    args = parser.parse_args()
    if args.worker:
        work(args.worker[0], int(args.worker[1]), args.worker[2])
        return
    handler, port = Counting(args.data_delay_ms / 1000), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    slack = FakeSlack()
    slack.start()
    postgres = ThrowawayPostgres() if args.postgres else None
    with tempfile.TemporaryDirectory() as tmp:
        if postgres is not None:
            postgres.start()
            database_url = postgres.create_database("bench_subscribers")
        else:
            database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed(database_url, port, slack.url, args.subscribers)
        print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
        began = time.monotonic()
        first = start_worker(database_url, port, slack.url)
        while handler.received() < args.kill_after and first.poll() is None:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at, kill_seconds = handler.received(), time.monotonic() - began
        time.sleep(1)
        print(
            f"killed the first process after {killed_at} mails ({kill_seconds:.1f} s); "
            f"taken by the server after it died (data on the wire): {handler.received() - killed_at}",
            flush=True,
        )
        second = start_worker(database_url, port, slack.url)
        deadline = time.monotonic() + TARGET.total_seconds() * 2
        while len(handler.to) < args.subscribers and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # anything sent twice would arrive now
        second.send_signal(signal.SIGTERM)
        second.wait()
        once = {to: at for to, at in handler.taken_at.items() if handler.to[to] == 1}
        gaps = answer_gaps(database_url, once)
    if postgres is not None:
        postgres.stop()
    controller.stop()
    slack.stop()
    took = handler.last_at - began
    twice = sum(1 for count in handler.to.values() if count > 1)
    lost = args.subscribers - len(handler.to)
    print(
        f"{args.subscribers} subscribers: {handler.received()} mails to {len(handler.to)} recipients "
        f"in {took:.1f} s (target {TARGET.total_seconds():.0f} s); recipients mailed twice: {twice}, "
        f"never mailed: {lost}, "
        f"distinct Message-IDs: {len(handler.ids)}; load average at the end: {os.getloadavg()[0]:.1f}"
    )
    if gaps:
        rate = killed_at / kill_seconds if kill_seconds > 0 else 0.0
        print(
            f"server took a mail -> the bot read the 250 (ms): p50 {percentile(gaps, 50):.1f}, "
            f"p90 {percentile(gaps, 90):.1f}, p99 {percentile(gaps, 99):.1f}, max {max(gaps):.1f}; "
            f"mean {sum(gaps) / len(gaps):.1f} ms x {rate:.0f} mails/s before the kill = "
            f"{sum(gaps) / len(gaps) / 1000 * rate:.2f} mails in that gap at an instant"
        )


def answer_gaps(database_url: str, taken_at: dict[str, float]) -> list[float]:
    """Milliseconds from the server taking each mail to the bot's `sent_at` for it (mails sent
    once; `taken_at` has only those)."""
    subs, deliveries = status_page_subscribers, status_page_deliveries
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            found = db.execute(
                select(subs.c.address, deliveries.c.sent_at)
                .join(deliveries, deliveries.c.subscriber_id == subs.c.id)
                .where(deliveries.c.state == "sent")
            ).all()
    finally:
        engine.dispose()
    return sorted(
        (row.sent_at.timestamp() - taken_at[row.address]) * 1000 for row in found if row.address in taken_at
    )


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))]


if __name__ == "__main__":
    main()
