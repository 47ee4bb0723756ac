"""Journal rows written many to a commit: the cost of recording a request before its ack, shared.

Under a burst, hundreds of requests each want one small row committed before Slack hears back.
Committed one by one, they queue behind each other for the database and the interpreter lock;
here one writer thread takes every row waiting and inserts them in one autocommitted statement,
and each caller returns as soon as its own row is durable. A lone request costs one insert, as
before; a burst of 300 costs a handful of commits.

A request may come with the name of the Slack delivery that asked (a submitted form, a click):
the claim on that name is written in the same commit as the row, and only the first delivery of
a name gets a row, so a form sent twice is recorded once. A click that records no row claims its
name the same way (`claim`), sharing the commit with whatever else is waiting.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.dialects import postgresql, sqlite

from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.store.sql_queue import request_row
from incidentbot.store.tables import processed_events, reminders

log = logging.getLogger(__name__)
MAX_BATCH = 500
WAIT_SECONDS = 10.0
"""How long a caller waits for its row; Slack has given up long before."""
GATHER_SECONDS = 0.01
"""While rows keep coming (one arrives within this time of the last write), the writer gathers
rows for this long before writing them in one commit. A row arriving after a quiet spell is
written at once, so a lone request waits for nothing but its own commit."""
REUSE_SECONDS = 30.0
"""The writer keeps one connection, in autocommit, between batches: a batch is then one round trip.
Once idle this long it goes back through the pool's liveness check. A connection that dies within
the window fails one batch (its callers answer 500) rather than risk writing the batch twice."""


@dataclass
class _Pending:
    values: dict[str, Any] | None
    """The request's row, or None for a claim alone."""
    claim: dict[str, Any] | None = None
    """The delivery's name and when it came, claimed in the same commit as the row."""
    written: Future[Reminder | bool] = field(default_factory=Future)
    """The row once committed; False when the delivery was claimed before; True for a claim alone."""


class BatchingJournal:
    """`append` blocks until the row is committed; rows arriving together share one commit."""

    def __init__(
        self,
        engine: Engine,
        max_batch: int = MAX_BATCH,
        reuse_seconds: float = REUSE_SECONDS,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._reuse_seconds = reuse_seconds
        self._gather_seconds = gather_seconds
        self._last_written_at = float("-inf")
        self._waiting: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._closed = False
        self._db: Connection | None = None
        self._used_at = 0.0
        self.commits = 0
        """How many commits wrote the rows so far (for tests and benchmarks)."""

    def append(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        written = self._submit(_Pending(request_row(kind, payload, received_at, hold_until, leased_to)))
        assert isinstance(written, Reminder), "a row without a claim is always written"
        return written

    def append_once(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        delivery: str,
        leased_to: str | None = None,
    ) -> Reminder | None:
        """`append`, claiming `delivery` in the same commit; None when it was claimed before."""
        row = request_row(kind, payload, received_at, hold_until, leased_to)
        written = self._submit(_Pending(row, _claim_row(delivery, received_at)))
        return written if isinstance(written, Reminder) else None

    def claim(self, delivery: str, at: datetime) -> bool:
        """Claim a delivery's name; False when an earlier delivery of it claimed it first."""
        return self._submit(_Pending(None, _claim_row(delivery, at))) is True

    def _submit(self, pending: _Pending) -> Reminder | bool:
        with self._lock:
            if self._closed:
                raise RuntimeError("the journal is closed")
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_forever, name="journal", daemon=True)
                self._writer.start()
            self._waiting.put(pending)
        return pending.written.result(timeout=WAIT_SECONDS)

    def close(self) -> None:
        """Write what is waiting, then stop the writer."""
        with self._lock:
            self._closed = True
            writer = self._writer
            self._waiting.put(None)
        if writer is not None:
            writer.join(timeout=WAIT_SECONDS)

    def _write_forever(self) -> None:
        try:
            while True:
                first = self._waiting.get()
                if first is None:
                    return
                batch, stop = self._take_waiting(first)
                self._write(batch)
                self._last_written_at = time.monotonic()
                if stop:
                    return
        finally:
            self._forget_connection()

    def _take_waiting(self, first: _Pending) -> tuple[list[_Pending], bool]:
        """The first row and those behind it; in a stream of rows, those until the gather time."""
        batch = [first]
        # Each batch costs a round trip, a writer wake-up and an interpreter switch per caller
        # woken, whatever its size; under a burst, one per row costs more than the rows.
        now = time.monotonic()
        streaming = now - self._last_written_at < self._gather_seconds
        gather_until = now + self._gather_seconds if streaming else now
        while len(batch) < self._max_batch:
            try:
                item = self._waiting.get(timeout=max(0.0, gather_until - time.monotonic()))
            except queue.Empty:
                return batch, False
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _write(self, batch: list[_Pending]) -> None:
        try:
            if any(pending.claim is not None for pending in batch):
                # Claims and rows in one transaction: a claimed form always has its row.
                with self._engine.begin() as db:
                    outcomes = self._claim_and_insert(db, batch)
            else:
                outcomes = self._insert(self._connection(), batch)
            self.commits += 1
        except Exception as error:
            log.exception("could not write %d journal rows", len(batch))
            self._forget_connection()
            for pending in batch:
                pending.written.set_exception(error)
            return
        for pending, outcome in zip(batch, outcomes, strict=True):
            pending.written.set_result(outcome)

    @staticmethod
    def _insert(db: Connection, batch: list[_Pending]) -> list[Reminder | bool]:
        rows = [pending.values for pending in batch if pending.values is not None]
        statement = insert(reminders).returning(reminders.c.id, sort_by_parameter_order=True)
        ids = iter(db.execute(statement, rows).scalars().all() if rows else [])
        return [True if p.values is None else Reminder(id=next(ids), **p.values) for p in batch]

    def _claim_and_insert(self, db: Connection, batch: list[_Pending]) -> list[Reminder | bool]:
        claims = {p.claim["event_id"]: p.claim for p in batch if p.claim is not None}
        upsert = postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert
        statement = (
            upsert(processed_events)
            .values(list(claims.values()))
            .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
            .returning(processed_events.c.event_id)
        )
        won = set(db.execute(statement).scalars().all())
        kept: list[_Pending] = []
        for pending in batch:
            # The first of a batch to name a delivery takes it; the claim table decides between batches.
            name = pending.claim["event_id"] if pending.claim is not None else None
            if name is None or name in won:
                won.discard(name)
                kept.append(pending)
        written = dict(zip(map(id, kept), self._insert(db, kept), strict=True))
        return [written.get(id(pending), False) for pending in batch]

    def _connection(self) -> Connection:
        now = time.monotonic()
        if self._db is not None and now - self._used_at > self._reuse_seconds:
            self._forget_connection()
        if self._db is None:
            self._db = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._used_at = now
        return self._db

    def _forget_connection(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _claim_row(delivery: str, at: datetime) -> dict[str, Any]:
    return {"event_id": delivery, "received_at": at}
