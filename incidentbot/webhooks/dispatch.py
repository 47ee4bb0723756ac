"""Deliver the recorded webhook events: at least once, in order per incident and endpoint.

Each delivery row is written in the transaction of the change it reports (`register.py`), so an
acknowledged change always has its events on record. A dispatcher takes the rows from there with
a lease, as the reminder engine takes its own, with three differences: only the oldest pending
delivery of each incident and endpoint is taken, so a later event waits for the earlier one to be
delivered or given up; a failure is retried with a backoff growing to an hour, for at most 24
hours; and the sending runs on threads of its own, at most `PER_ENDPOINT` of them per endpoint,
so an endpoint that hangs holds up neither the others nor anything owed to Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.clock import Clock
from incidentbot.webhooks import send
from incidentbot.webhooks.model import WebhookEndpoint
from incidentbot.webhooks.payload import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature
from incidentbot.webhooks.ports import Attempt, Delivery, DeliveryState, DeliveryStore

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
"""Far longer than one attempt (`send.TIMEOUT_SECONDS`); a dead worker's rows come back after it."""
RETRY_FIRST = timedelta(seconds=5)
RETRY_MAX = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
THREADS = 16
PER_ENDPOINT = 4
"""Workers one endpoint may hold at once: a hanging one keeps the rest free for the others."""
HELD_PER_ENDPOINT = 3 * PER_ENDPOINT
"""Leased at once per endpoint, queued or sent: a claim serves several rounds, and a queued row
waits at most two attempts' timeouts, far inside its lease."""
CLAIM_AGAIN = 1.0
"""Seconds; the longest an endpoint with nothing queued waits for the next claim."""
INTERVAL_SECONDS = 1.0

OpenStore = Callable[[], AbstractContextManager[DeliveryStore]]
Post = Callable[[str, bytes, dict[str, str]], send.Answer]


@dataclass
class DispatchReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Verdict:
    state: DeliveryState
    next_attempt_at: datetime


def judge(answer: send.Answer, delivery: Delivery, now: datetime) -> Verdict:
    """Delivered on a 2xx; retried on no answer, 408, 429 and 5xx for 24 h; given up otherwise."""
    if answer.status is not None and 200 <= answer.status < 300:
        return Verdict(DeliveryState.DELIVERED, now)
    if not _worth_retrying(answer.status):
        return Verdict(DeliveryState.FAILED, now)
    deadline = delivery.created_at + GIVE_UP_AFTER
    if now >= deadline:
        return Verdict(DeliveryState.FAILED, now)
    wait_for = retry_delay(delivery.attempts + 1)
    if answer.retry_after is not None:
        wait_for = timedelta(seconds=answer.retry_after)
    return Verdict(DeliveryState.PENDING, min(now + wait_for, deadline))


def _worth_retrying(status: int | None) -> bool:
    return status is None or status in (408, 429) or status >= 500


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … at most an hour between attempts."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(RETRY_FIRST * (1 << exponent), RETRY_MAX)


class Dispatcher:
    def __init__(
        self,
        open_store: OpenStore,
        endpoints: Sequence[WebhookEndpoint],
        clock: Clock,
        worker: str,
        post: Post = send.post,
    ) -> None:
        self._open_store = open_store
        self._endpoints = {endpoint.url: endpoint for endpoint in endpoints}
        self._clock = clock
        self._worker = worker
        self._post = post
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self, *, parallel: int = 1, max_deliveries: int = 10_000) -> DispatchReport:
        """Deliver everything due now, including the events that were waiting behind them.

        Rows are claimed in batches and queued per endpoint, at most `PER_ENDPOINT` of an endpoint
        sent at once; a batch is claimed again once an endpoint's queue runs low, or after a
        second, so an endpoint with nothing queued is never kept waiting behind a slow one.
        """
        report, held = DispatchReport(), _Held()
        claimed, last_claim = 0, float("-inf")
        with ThreadPoolExecutor(max(parallel, 1), thread_name_prefix="webhooks") as pool:
            while True:
                room = min(2 * parallel - held.total, max_deliveries - claimed)
                if room > 0 and (held.running_low() or time.monotonic() - last_claim >= CLAIM_AGAIN):
                    batch, last_claim = self._claim(room, held.counts), time.monotonic()
                    claimed += len(batch)
                    held.queue(batch)
                held.start(lambda delivery: pool.submit(self.attempt, delivery))
                if not held.running:
                    return report
                finished, _ = wait(held.running, timeout=CLAIM_AGAIN, return_when=FIRST_COMPLETED)
                for future in finished:
                    held.finished(future)
                    _count(report, future)

    def _claim(self, room: int, held: Mapping[str, int]) -> list[Delivery]:
        now = self._clock.now()
        with self._open_store() as store:
            return store.claim_heads(self._worker, now, now + LEASE, room, held, HELD_PER_ENDPOINT)

    def redeliver(self, delivery_id: int) -> Delivery | None:
        """Send a delivery's event again, now, with the same id; None if there is no such delivery."""
        now = self._clock.now()
        with self._open_store() as store:
            copy = store.redeliver(delivery_id, self._worker, now, now + LEASE)
        if copy is None:
            return None
        self.attempt(copy)
        with self._open_store() as store:
            return store.delivery(copy.id)

    def attempt(self, delivery: Delivery) -> DeliveryState:
        """Send one delivery now and record how it went."""
        endpoint = self._endpoints.get(delivery.endpoint)
        if endpoint is None:
            answer = send.Answer(status=None, error="the endpoint is no longer in the team config")
            verdict = Verdict(DeliveryState.FAILED, self._clock.now())
        else:
            answer = self._post(delivery.endpoint, *self._signed(delivery, endpoint))
            verdict = judge(answer, delivery, self._clock.now())
        now = self._clock.now()
        with self._open_store() as store:
            store.record(
                delivery, Attempt(now, answer.status, answer.error), verdict.state, verdict.next_attempt_at
            )
        if verdict.state is not DeliveryState.DELIVERED:
            log.warning(
                "webhook %s to %s: %s (%s)", delivery.id, delivery.endpoint, answer.error, verdict.state
            )
        return verdict.state

    def _signed(self, delivery: Delivery, endpoint: WebhookEndpoint) -> tuple[bytes, dict[str, str]]:
        body = delivery.body.encode()
        timestamp = int(self._clock.now().timestamp())
        return body, {
            "Content-Type": "application/json",
            "User-Agent": "incidentbot-webhooks",
            SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
            EVENT_HEADER: delivery.event_type,
            DELIVERY_HEADER: str(delivery.id),
        }

    def start(self, interval_seconds: float = INTERVAL_SECONDS, parallel: int = THREADS) -> None:
        """Deliver in the background until `stop`."""
        self._thread = threading.Thread(
            target=self._loop, args=(interval_seconds, parallel), name="webhooks", daemon=True
        )
        self._thread.start()

    def _loop(self, interval_seconds: float, parallel: int) -> None:
        while not self._stop.wait(interval_seconds):
            try:
                self.run_due(parallel=parallel)
            except Exception:
                # The database may be briefly unreachable; the rows wait for the next round.
                log.exception("webhooks: delivering failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


class _Held:
    """The rows one `run_due` holds: queued per endpoint, or being sent."""

    def __init__(self) -> None:
        self.queued: dict[str, deque[Delivery]] = defaultdict(deque)
        self.running: dict[Future[DeliveryState], str] = {}
        self.counts: Counter[str] = Counter()
        self._sending: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return self.counts.total()

    def running_low(self) -> bool:
        """Nothing held, or some endpoint has no more queued than it may send at once."""
        return not self.total or any(0 < held <= PER_ENDPOINT for held in self.counts.values())

    def queue(self, batch: list[Delivery]) -> None:
        for delivery in batch:
            self.queued[delivery.endpoint].append(delivery)
            self.counts[delivery.endpoint] += 1

    def start(self, submit: Callable[[Delivery], Future[DeliveryState]]) -> None:
        for endpoint, waiting in self.queued.items():
            while waiting and self._sending[endpoint] < PER_ENDPOINT:
                self.running[submit(waiting.popleft())] = endpoint
                self._sending[endpoint] += 1

    def finished(self, future: Future[DeliveryState]) -> None:
        endpoint = self.running.pop(future)
        self._sending[endpoint] -= 1
        self.counts[endpoint] -= 1


def _count(report: DispatchReport, future: Future[DeliveryState]) -> None:
    try:
        state = future.result()
    except Exception:
        # The store failed around the attempt; the lease runs out and the row is taken again.
        log.exception("webhook delivery failed")
        report.retried += 1
        return
    if state is DeliveryState.DELIVERED:
        report.delivered += 1
    elif state is DeliveryState.FAILED:
        report.failed += 1
    else:
        report.retried += 1
