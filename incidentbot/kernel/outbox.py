"""The outbox: record every message the bot owes Slack with the fact it reports, then send it.

A use case calls `enqueue` (or `enqueue_sync`) inside the transaction that records a change, so
the message is exactly as durable as the change: an acknowledged action always has its delivery
on record. Right after the commit it hands those rows to `send_now`, which claims each one with a
lease and delivers it in the calling thread, so in the usual case the message goes out as soon as
a direct call would have sent it. Whatever is not delivered then (Slack unavailable, the process
killed) stays pending; the scheduler's tick takes it once `CALLER_FIRST` or its retry backoff has
passed, and the lease keeps two workers from sending one row.
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
from incidentbot.kernel.reminders import LEASE, deliver

CALLER_PREFIX = "caller:"
"""Worker names of the threads delivering what they have just recorded."""


class DeliveryDelayed(IncidentError, SlackUnavailable):
    """The action is recorded, but Slack has not taken its message yet; the bot keeps trying."""

    code = "delivery_delayed"


def enqueue(tx: Transaction, kind: str, incident_id: int | None, subject_id: int, now: datetime) -> Reminder:
    """A message to send about `subject_id`, due `now`; the caller sends it after committing."""
    return tx.add_outbox_row(kind, incident_id, subject_id, now, now + CALLER_FIRST)


def enqueue_once(
    tx: Transaction, kind: str, incident_id: int, subject_id: int, now: datetime
) -> Reminder | None:
    """As `enqueue`, unless a row of this kind about this subject was ever written."""
    if tx.outbox_rows(kind, subject_id):
        return None
    return enqueue(tx, kind, incident_id, subject_id, now)


def enqueue_sync(tx: Transaction, incident_id: int, now: datetime) -> Reminder:
    """Ask for the summary, topic and announcement to be brought up to date.

    One request that no worker has started yet serves every change made before it starts, since
    it renders the incident as it is when it runs. A request already under way may have read the
    incident before this change, so another one is queued behind it.
    """
    waiting = tx.unstarted_outbox_row(OutboxKind.SYNC_SUMMARY, incident_id)
    return waiting or enqueue(tx, OutboxKind.SYNC_SUMMARY, incident_id, incident_id, now)


def send_now(services: Services, rows: Iterable[Reminder | None]) -> list[Reminder]:
    """Deliver these rows here and now, in order; returns those Slack did not take.

    A row another worker holds is left to that worker; one that fails is released with a backoff
    for the scheduler to retry, as any reminder is.
    """
    worker = caller_worker()
    held: list[Reminder] = []
    for claimed in _claim_all(services, [row for row in rows if row is not None], worker):
        if deliver(services, claimed, services.handlers).retried:
            held.append(_reread(services, claimed))
    return held


def _claim_all(services: Services, rows: list[Reminder], worker: str) -> list[Reminder]:
    """Lease every row in one transaction, in the order given; those another worker holds are left."""
    if not rows:
        return []
    now = services.clock.now()
    with services.store.transaction() as tx:
        claimed = {
            row.id: row for row in tx.claim_reminder_ids([row.id for row in rows], worker, now, now + LEASE)
        }
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


def send_or_explain(services: Services, rows: Iterable[Reminder | None]) -> None:
    """`send_now`, then DeliveryDelayed if a message the actor cares about was held up."""
    held = [row for row in send_now(services, rows) if tells_the_actor(row.kind)]
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
