"""The outbox: record every message the bot owes Slack with the fact it reports, then send it.

A use case calls `enqueue` (or `enqueue_sync`) inside the transaction that records a change, so
the message is exactly as durable as the change: an acknowledged action always has its delivery
on record. A row a unit of work emits is written already leased to the thread that applies it
(`enqueue(..., worker=…)`): right after the commit that thread hands its rows to `send_now`, which
delivers them without another transaction to claim them, so in the usual case the message goes
out as soon as a direct call would have sent it, and the rows sent together are marked done in
one transaction. Whatever is not delivered then (Slack unavailable, the process killed) stays
pending; the scheduler's tick takes it once its lease (`LEASE`), its hold (`CALLER_FIRST`) or its
retry backoff has passed, and the lease keeps two workers from sending one row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, SlackUnavailable
from incidentbot.kernel.outbox_kinds import CALLER_FIRST, OutboxKind
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import LEASE, deliver, finish_together

CALLER_PREFIX = "caller:"
"""Worker names of the threads delivering what they have just recorded."""


class DeliveryDelayed(IncidentError, SlackUnavailable):
    """The action is recorded, but Slack has not taken its message yet; the bot keeps trying."""

    code = "delivery_delayed"


def enqueue(
    tx: Transaction,
    kind: str,
    incident_id: int | None,
    subject_id: int,
    now: datetime,
    worker: str | None = None,
    payload: str | None = None,
) -> Reminder:
    """A message to send about `subject_id`, due `now`; the caller sends it after committing.

    With `worker`, the row is written leased to that worker for a whole `LEASE`, which saves the
    transaction a claim would cost: the caller sends it under that lease (`send_now(…, worker)`),
    and if the caller dies first, a scheduler takes it once the lease has run out. Without, it is
    held for `CALLER_FIRST`, and whoever sends it claims it first.
    """
    if worker is not None:
        return tx.add_outbox_row(kind, incident_id, subject_id, now, now + LEASE, worker, payload)
    return tx.add_outbox_row(kind, incident_id, subject_id, now, now + CALLER_FIRST, payload=payload)


def enqueue_once(
    tx: Transaction, kind: str, incident_id: int, subject_id: int, now: datetime, worker: str | None = None
) -> Reminder | None:
    """As `enqueue`, unless a row of this kind about this subject was ever written."""
    if tx.outbox_rows(kind, subject_id):
        return None
    return enqueue(tx, kind, incident_id, subject_id, now, worker)


def enqueue_sync(tx: Transaction, incident_id: int, now: datetime) -> Reminder:
    """Ask for the summary, topic and announcement to be brought up to date.

    One request that no worker has started yet serves every change made before it starts, since
    it renders the incident as it is when it runs. A request already under way may have read the
    incident before this change, so another one is queued behind it.
    """
    waiting = tx.unstarted_outbox_row(OutboxKind.SYNC_SUMMARY, incident_id)
    return waiting or enqueue(tx, OutboxKind.SYNC_SUMMARY, incident_id, incident_id, now)


def send_now(
    services: Services, rows: Iterable[Reminder | None], worker: str | None = None
) -> list[Reminder]:
    """Deliver these rows here and now, in order; returns those Slack did not take.

    Rows written leased to `worker` (the caller's own, `enqueue(…, worker)`) are sent as they are;
    the others are leased in one transaction first. The rows delivered are marked done together,
    in one transaction after the last send. A row another worker holds is left to that worker;
    one that fails is released with a backoff for the scheduler to retry, as any reminder is.
    """
    worker = worker or caller_worker()
    held: list[Reminder] = []
    delivered: list[Reminder] = []
    for claimed in _claim_all(services, [row for row in rows if row is not None], worker):
        if deliver(services, claimed, services.handlers, done=delivered).retried:
            held.append(_reread(services, claimed))
    finish_together(services, delivered)
    return held


def _claim_all(services: Services, rows: list[Reminder], worker: str) -> list[Reminder]:
    """Lease every row in one transaction, in the order given; those another worker holds are left.

    A row already leased to `worker` when it was written costs no claim.
    """
    unclaimed = [row.id for row in rows if row.claimed_by != worker]
    claimed = {row.id: row for row in rows if row.claimed_by == worker}
    if unclaimed:
        now = services.clock.now()
        with services.store.transaction() as tx:
            claimed.update(
                (row.id, row) for row in tx.claim_reminder_ids(unclaimed, worker, now, now + LEASE)
            )
    return [claimed[row.id] for row in rows if row.id in claimed]


def caller_worker() -> str:
    """A worker name for a thread delivering (or applying) what it has just recorded."""
    return f"{CALLER_PREFIX}{uuid.uuid4().hex}"


def claim_for_caller(services: Services, row: Reminder, worker: str) -> Reminder | None:
    """Lease this row now, ignoring its hold and backoff but never a live lease; None if taken."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        claimed = tx.claim_reminder_ids([row.id], worker, now, now + LEASE)
    return claimed[0] if claimed else None


def send_or_explain(services: Services, rows: Iterable[Reminder | None], worker: str | None = None) -> None:
    """`send_now`, then DeliveryDelayed if a message the actor cares about was held up."""
    held = [row for row in send_now(services, rows, worker) if tells_the_actor(row.kind)]
    if held:
        raise DeliveryDelayed(held[0].last_error or "")


def tells_the_actor(kind: str) -> bool:
    """Whether a held-up message of this kind is worth telling the actor about; a feature's own
    kinds (not in `OutboxKind`) are messages people wait for."""
    known = {k.value: k for k in OutboxKind}.get(kind)
    return known is None or known.tells_the_actor


def _reread(services: Services, row: Reminder) -> Reminder:
    with services.store.transaction() as tx:
        found = [r for r in tx.outbox_rows(row.kind, row.subject_id or 0) if r.id == row.id]
    return found[0] if found else row
