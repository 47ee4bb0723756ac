"""The reminder engine: take due reminders from the shared table and deliver each one.

A reminder goes through claim → deliver → finish. The claim is a lease (`claimed_by`,
`claimed_until`) committed before anything is sent, so each due row is taken by one worker at a
time, across threads and processes. Just before sending, the worker renews its lease, which also
proves the row is still its own. On success the row is marked done; when Slack is unavailable it
is released with a backoff and taken again later, never dropped. A worker that dies mid-delivery
leaves a lease that expires, and another worker delivers it then.

Handlers are plain functions chosen by `kind` from `Services.handlers`, which each feature fills
at wiring time (`kernel/registry.py`). A handler
sends its message and may call `complete` in its own transaction to record what the delivery
changed together with the done mark; when its reason has gone away it raises `ReminderObsolete`,
and when it must wait for another message, `ReminderNotYet`. A handler with several slow steps
renews its lease between them with `keep_lease`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.kernel import context
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable, Unstorable
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState, retry_delay

log = logging.getLogger(__name__)

Handler = context.Handler
LEASE = timedelta(seconds=60)
FRESH = LEASE * 3 / 4
"""A lease with more than this left was taken moments ago: renewing it again would change nothing."""
COMPLETED = object()
"""What a handler returns when its own transaction already marked the row done (`complete`)."""
BATCH = 20
MAX_DELIVERIES = 1000
"""Per call; the next scheduler tick carries on."""
LOOK_AGAIN = timedelta(seconds=0.25)
"""How often a lane with a thread free looks for rows that came due while its deliveries run."""
TURN_PATIENCE = timedelta(seconds=1)
"""How long a timed delivery's first message waits asleep for its channel's turn (`fire_timed`)."""
_turns = threading.local()


class ReminderObsolete(Exception):
    """What the reminder was about has gone (an update came, the incident ended): send nothing."""


class ReminderNotYet(Exception):
    """The message must follow one that is still waiting: released like a failure, tried later."""


class ReminderWaiting(ReminderNotYet):
    """The message waits its turn behind another delivery that is under way, which is no failure:
    taken again after `retry_in` each time, without the growing backoff of a failed delivery."""

    def __init__(self, reason: str, retry_in: timedelta) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


class LeaseLost(Exception):
    """Our lease ran out and another worker has taken the reminder over: leave it to them."""


@dataclass
class FireReport:
    delivered: int = 0
    cancelled: int = 0
    retried: int = 0
    lost: int = 0
    """Leases taken over by another worker before delivery; that worker delivers them."""

    def add(self, other: FireReport) -> None:
        self.delivered += other.delivered
        self.cancelled += other.cancelled
        self.retried += other.retried
        self.lost += other.lost


def complete(tx: Transaction, reminder: Reminder, at: datetime) -> bool:
    """Mark the reminder done inside the handler's own transaction; False if the lease was lost."""
    return tx.finish_reminder(reminder.id, reminder.claimed_by or "", ReminderState.DONE, at)


def keep_lease(services: Services, reminder: Reminder) -> None:
    """Renew the lease before another slow step of one delivery; LeaseLost when it is gone.

    A lease taken less than a quarter of its length ago is left as it is: it still has most of its
    time, so the steps of a quick delivery cost no transaction each.
    """
    if _fresh(services, reminder):
        return
    with services.store.transaction() as tx:
        if not tx.renew_claim(reminder.id, reminder.claimed_by or "", services.clock.now() + LEASE):
            raise LeaseLost


def claim(
    services: Services, worker: str, limit: int = BATCH, kinds: Collection[str] | None = None
) -> list[Reminder]:
    now = services.clock.now()
    with services.store.transaction() as tx:
        return tx.claim_reminders(worker, now, now + LEASE, limit, kinds)


def fire_due(
    services: Services, worker_id: str, handlers: Mapping[str, Handler] | None = None, *, parallel: int = 1
) -> FireReport:
    """Deliver every reminder due now; called every few seconds by each bot process."""
    return run_due(
        services, worker_id, services.handlers if handlers is None else handlers, parallel=parallel
    )


def fire_timed(services: Services, worker_id: str, *, parallel: int = 1) -> FireReport:
    """Deliver the due rows of the timed kinds only (`Services.timed_kinds`): the lane that keeps
    an inject or a nag on time while `fire_due`'s threads are busy with bulk work."""
    if not services.timed_kinds:
        return FireReport()
    return run_due(
        services,
        worker_id,
        services.handlers,
        parallel=parallel,
        kinds=services.timed_kinds,
        patience=TURN_PATIENCE,
    )


def waiting_turn() -> tuple[str, float] | None:
    """What the first message of the delivery on this thread may wait for its channel's turn:
    the name of the turn it books, and the seconds it may wait asleep for it; None: as long as
    the turn takes.

    Taken once per delivery. A message whose turn is further off than that books it and goes
    back to the queue as waiting (`ReminderWaiting`) until its turn is near, rather than hold
    one of the lane's threads asleep while other rows come due. Only the first message may: the
    delivery is run again from the start, and a message it had sent before would go out twice.
    """
    turn: tuple[str, float] | None = getattr(_turns, "turn", None)
    _turns.turn = None
    return turn


def _deliver_in_turn(
    services: Services, reminder: Reminder, handlers: Mapping[str, Handler], patience: timedelta
) -> FireReport:
    _turns.turn = (f"reminder:{reminder.id}", patience.total_seconds())
    try:
        return deliver(services, reminder, handlers)
    finally:
        _turns.turn = None


def run_due(
    services: Services,
    worker: str,
    handlers: Mapping[str, Handler],
    *,
    parallel: int = 1,
    limit: int = BATCH,
    max_deliveries: int = MAX_DELIVERIES,
    kinds: Collection[str] | None = None,
    patience: timedelta | None = None,
) -> FireReport:
    """Deliver everything due now (of `kinds`, when given), including follow-ups the deliveries
    made due; with `patience`, a delivery's first message waits at most that long asleep for its
    channel's turn (`waiting_turn`).

    With `parallel` > 1, that many deliveries run at once. A row is claimed only when a thread is
    free to start it: a row leased here but queued behind slow deliveries (a message waiting for
    its channel's turn or for Slack's `Retry-After`) could be taken by no other worker or lane,
    and would be as late as the slowest of them. While deliveries are under way and a thread is
    free, the lane looks again for rows that came due every `LOOK_AGAIN`, rather than after the
    next delivery finishes.
    """
    if parallel <= 1:
        return _run_serially(services, worker, handlers, limit, max_deliveries, kinds, patience)
    report, started = FireReport(), 0
    with ThreadPoolExecutor(parallel, thread_name_prefix="reminders") as pool:
        running: set[Future[FireReport]] = set()
        while True:
            room = min(limit, parallel - len(running), max_deliveries - started)
            batch = claim(services, worker, room, kinds) if room > 0 else []
            started += len(batch)
            running.update(
                pool.submit(deliver, services, reminder, handlers)
                if patience is None
                else pool.submit(_deliver_in_turn, services, reminder, handlers, patience)
                for reminder in batch
            )
            if not running:
                return report
            free = len(running) < parallel and started < max_deliveries
            finished, running = wait(
                running, timeout=LOOK_AGAIN.total_seconds() if free else None, return_when=FIRST_COMPLETED
            )
            for future in finished:
                report.add(_outcome(future))


def _run_serially(
    services: Services,
    worker: str,
    handlers: Mapping[str, Handler],
    limit: int,
    max_deliveries: int,
    kinds: Collection[str] | None,
    patience: timedelta | None,
) -> FireReport:
    report, started = FireReport(), 0
    while started < max_deliveries:
        batch = claim(services, worker, min(limit, max_deliveries - started), kinds)
        if not batch:
            break
        started += len(batch)
        for reminder in batch:
            if patience is None:
                report.add(deliver(services, reminder, handlers))
            else:
                report.add(_deliver_in_turn(services, reminder, handlers, patience))
    return report


def _outcome(future: Future[FireReport]) -> FireReport:
    try:
        return future.result()
    except Exception:
        # The store failed around the delivery; the lease expires and the row is taken again.
        log.exception("reminder delivery failed")
        return FireReport(retried=1)


def deliver(
    services: Services,
    reminder: Reminder,
    handlers: Mapping[str, Handler],
    done: list[Reminder] | None = None,
) -> FireReport:
    """Run the reminder's handler and settle the row; with `done`, a row delivered is added there
    for the caller to mark done with others (`finish_together`) rather than in a transaction of its own."""
    if not _fresh(services, reminder):
        worker = reminder.claimed_by or ""
        with services.store.transaction() as tx:
            still_ours = tx.renew_claim(reminder.id, worker, services.clock.now() + LEASE)
        if not still_ours:
            return FireReport(lost=1)
    handler = handlers.get(reminder.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for reminder kind {reminder.kind!r}")
        if handler(services, reminder) is COMPLETED:
            return FireReport(delivered=1)
    except ReminderObsolete:
        finish(services, reminder, ReminderState.CANCELLED)
        return FireReport(cancelled=1)
    except LeaseLost:
        return FireReport(lost=1)
    except Unstorable as error:
        # Retrying would be refused the same way, every backoff, for ever: close it and say so.
        log.error("reminder %s (%s) can never be stored, closing it: %s", reminder.id, reminder.kind, error)
        finish(services, reminder, ReminderState.CANCELLED)
        return FireReport(cancelled=1)
    except ReminderWaiting as waiting:
        release(services, reminder, str(waiting), retry_in=waiting.retry_in)
        return FireReport(retried=1)
    except (SlackUnavailable, ReminderNotYet) as error:
        release(services, reminder, str(error) or type(error).__name__)
        return FireReport(retried=1)
    except Exception as error:
        # A bug must not lose the reminder nor spin on it: log it and retry with the same backoff.
        log.exception("reminder %s (%s) failed", reminder.id, reminder.kind)
        release(services, reminder, f"{type(error).__name__}: {error}")
        return FireReport(retried=1)
    if done is not None:
        done.append(reminder)
    else:
        finish(services, reminder, ReminderState.DONE)
    return FireReport(delivered=1)


def _fresh(services: Services, reminder: Reminder) -> bool:
    """Claimed by this worker so recently that the lease is still all but whole."""
    until = reminder.claimed_until
    return until is not None and until - services.clock.now() > FRESH


def finish(services: Services, reminder: Reminder, state: ReminderState) -> None:
    """End a claimed reminder as done or cancelled."""
    # A no-op when the handler already completed it in its own transaction.
    with services.store.transaction() as tx:
        tx.finish_reminder(reminder.id, reminder.claimed_by or "", state, services.clock.now())


def finish_together(services: Services, delivered: list[Reminder]) -> None:
    """Mark every delivered reminder done in one transaction (a row whose lease was lost is left
    to the worker that took it over)."""
    if not delivered:
        return
    with services.store.transaction() as tx:
        complete_all(tx, delivered, services.clock.now())


def complete_all(tx: Transaction, delivered: list[Reminder], at: datetime) -> None:
    """`complete` for each row sent together, inside a transaction that records something else."""
    for reminder in delivered:
        complete(tx, reminder, at)


def release(services: Services, reminder: Reminder, error: str, *, retry_in: timedelta | None = None) -> None:
    """Give a claimed reminder back after a failure, to be taken again after the backoff
    (or after `retry_in`, when it only waits its turn)."""
    retry_at = services.clock.now() + (retry_in or retry_delay(reminder.attempts + 1))
    log.log(
        logging.DEBUG if retry_in else logging.WARNING,
        "reminder %s (%s) not delivered, retrying at %s: %s",
        reminder.id,
        reminder.kind,
        retry_at,
        error,
    )
    with services.store.transaction() as tx:
        tx.release_reminder(reminder.id, reminder.claimed_by or "", retry_at, error)
