"""Housekeeping: forget what nobody reads any more, so the queue and the event ids stop growing.

Left alone, two tables only grow. `reminders` keeps every nag, channel notice, escalation,
action-item reminder and outbox message once it is done or cancelled, and every scheduler tick's
claim works on that table; `processed_events` keeps every Slack event id ever received. `sweep`
deletes, at most `BATCH` rows per transaction so that no lock is held for long, and loops until
a batch comes back short:

* done and cancelled reminder rows whose every recorded time (due, fired, lease or retry) is
  older than `Retention.finished_rows`, and whose incident was resolved that long ago;
* Slack delivery ids received more than `Retention.event_ids` ago: event ids, submitted views
  and clicks (`slack/once.py`). They only serve to drop a repeated delivery — Slack's retries
  come within about an hour, a double click within seconds — on whichever process it lands.

What is kept, and why:

* Pending rows, always: they are messages still owed.
* Every row of an incident whose setup never finished (`setup_state` not `ready`), however old.
  The setup is the one reader of finished rows: `outbox.enqueue_once` sends the `setup_delayed`
  DM and each holder's role checklist at most once because it finds any row ever written about
  that subject, and the end of a setup looks for summary edits queued while the channel was
  being built. `/incident retry` may run an unfinished setup again at any time; a finished one
  never runs again. Such incidents are rare and have few rows.
* Every row of an incident that is open or was resolved within the retention (reopening clears
  `resolved_at`, so a reopened incident counts as open). Nothing needs them once the setup is
  done, but while an incident is live, and for a while after, its rows are the record of what
  the bot sent and why, which is what one looks at when a message seems missing or doubled.

Nothing else reads a finished row: the postmortem and the stats count nags and escalations
from the timeline, not from this table. Nor is a row ever written again for an instant that old:
nag, notice and escalation rows are written while their commitment is live, which ends with the
resolution at the latest, and an action item's next daily reminder is booked by the one before
it or for a moment not before now. So a deleted row's unique key is never needed again.

Features keep tables of their own (the outgoing webhooks' deliveries): each registers a sweep
(`Registry.add_sweep`) that deletes its rows past the retention it owns, and this runs them
after its own, in the same batches, without knowing what they delete.

The cutoffs come from the injected clock. Several processes may sweep at once: a delete is
idempotent, and on PostgreSQL each batch skips rows that another process's batch has locked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import Transaction

log = logging.getLogger(__name__)

BATCH = 1000
"""Rows deleted per statement and transaction."""


@dataclass(frozen=True)
class Retention:
    finished_rows: timedelta = timedelta(days=30)
    """How long a finished reminder or outbox row stays after it and its incident's resolution."""
    event_ids: timedelta = timedelta(days=7)
    """How long a Slack delivery (event id, submitted view, click) is remembered to drop a repeat."""

    def __post_init__(self) -> None:
        if self.finished_rows <= timedelta(0) or self.event_ids <= timedelta(0):
            raise ValueError("retention periods must be positive")


DEFAULT_RETENTION = Retention()


@dataclass(frozen=True)
class SweepReport:
    reminders: int = 0
    event_ids: int = 0
    features: Mapping[str, int] = field(default_factory=dict)
    """Rows each feature's registered sweep removed, by the name it registered."""


def sweep(services: Services, retention: Retention = DEFAULT_RETENTION, *, batch: int = BATCH) -> SweepReport:
    """Delete finished rows and event ids older than the retention; returns how many went."""
    now = services.clock.now()
    finished_before = now - retention.finished_rows
    received_before = now - retention.event_ids
    removed_rows = _in_batches(
        services, lambda tx: tx.delete_finished_reminders(finished_before, finished_before, batch), batch
    )
    removed_ids = _in_batches(services, lambda tx: tx.delete_processed_events(received_before, batch), batch)
    if removed_rows or removed_ids:
        log.info("housekeeping: %d finished reminders and %d event ids removed", removed_rows, removed_ids)
    features = {name: _feature(services, name, batch) for name in services.sweeps}
    return SweepReport(reminders=removed_rows, event_ids=removed_ids, features=features)


def _feature(services: Services, name: str, batch: int) -> int:
    feature_sweep = services.sweeps[name]
    removed = _in_batches(services, lambda tx: feature_sweep(tx, services.clock.now(), batch), batch)
    if removed:
        log.info("housekeeping: %d %s removed", removed, name)
    return removed


def _in_batches(services: Services, delete: Callable[[Transaction], int], batch: int) -> int:
    # One short transaction per batch: no lock outlives a thousand rows.
    removed = 0
    while True:
        with services.store.transaction() as tx:
            deleted = delete(tx)
        removed += deleted
        if deleted < batch:
            return removed
