"""The journal: accept a request before Slack's ack, apply it after, exactly once.

A listener calls `accept` with what the request asks for. The row it gets back is committed, so
the acknowledgement that follows is a promise the bot keeps even if its process dies a moment
later. The row is written leased to the thread that accepted it, for `CALLER_FIRST`, so after the
ack `apply_now` applies it in that thread with no transaction to claim it; each apply
function records its effects and marks the row done in one transaction (`settle`), so a request
is applied once however often it is tried. A row that no caller took — the process died — waits
`CALLER_FIRST`, then the scheduler applies it through `replaying`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from incidentbot.kernel import outbox, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, SlackUnavailable, UnreadableRequest, Unstorable
from incidentbot.kernel.outbox import DeliveryDelayed
from incidentbot.kernel.outbox_kinds import CALLER_FIRST
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import Handler, LeaseLost, ReminderObsolete, complete

log = logging.getLogger(__name__)
T = TypeVar("T")
Apply = Callable[[Services, Reminder], T]


def accept(services: Services, kind: str, request: BaseModel) -> Reminder:
    """Record the request, due now; returns once it is committed."""
    now = services.clock.now()
    payload = request.model_dump_json()
    caller = _CALLER_LEASES.give(outbox.caller_worker())
    if services.journal is not None:
        return services.journal.append(kind, payload, now, now + CALLER_FIRST, caller)
    with services.store.transaction() as tx:
        return tx.add_request_row(kind, payload, now, now + CALLER_FIRST, caller)


def accept_once(services: Services, kind: str, request: BaseModel, delivery: str) -> Reminder | None:
    """`accept`, claiming the Slack delivery that asked in the same commit; None for a repeat of it.

    A form submitted twice (a double click, a client resending it, Slack retrying a slow answer,
    on this process or another) is recorded once: the claim's unique key decides, not a read.
    """
    now = services.clock.now()
    payload = request.model_dump_json()
    caller = _CALLER_LEASES.give(outbox.caller_worker())
    if services.journal is not None:
        return services.journal.append_once(kind, payload, now, now + CALLER_FIRST, delivery, caller)
    with services.store.transaction() as tx:
        if not tx.first_delivery(delivery, now):
            return None
        return tx.add_request_row(kind, payload, now, now + CALLER_FIRST, caller)


def claim_delivery(services: Services, delivery: str) -> bool:
    """Claim a Slack delivery's name; False when an earlier delivery of it did (on any process)."""
    now = services.clock.now()
    if services.journal is not None:
        return services.journal.claim(delivery, now)
    with services.store.transaction() as tx:
        return tx.first_delivery(delivery, now)


def settle(tx: Transaction, row: Reminder | None, at: datetime) -> None:
    """Mark the request applied in the transaction that applies it; LeaseLost if another took it."""
    if row is not None and not complete(tx, row, at):
        raise LeaseLost


def settle_alone(services: Services, row: Reminder | None) -> None:
    """Mark a request applied that turned out to change nothing."""
    if row is not None:
        with services.store.transaction() as tx:
            settle(tx, row, services.clock.now())


def apply_now(services: Services, row: Reminder, apply: Apply[T]) -> T | None:
    """Apply the request here and now; None when another worker has it (or had it).

    An IncidentError (not an incident channel, a time in the future, values the database refuses
    …) ends the request: it is raised for the listener to explain. When Slack or the store fails,
    the row is released for the scheduler to apply later, and the person hears that it is delayed.
    """
    claimed = take(services, row)
    if claimed is None:
        return None
    return apply_claimed(services, claimed, apply)


def take(services: Services, row: Reminder) -> Reminder | None:
    """The row leased to this thread: with the lease it was written with, the first time; None when
    another worker has it (or had it)."""
    if _CALLER_LEASES.take(row):
        return row
    return outbox.claim_for_caller(services, row, outbox.caller_worker())


def apply_claimed(services: Services, claimed: Reminder, apply: Apply[T]) -> T | None:
    """`apply_now` for a row already leased to this thread (`take`)."""
    try:
        return apply(services, claimed)
    except LeaseLost:
        return None
    except Unstorable as error:
        log.error("journalled %s %s can never be stored, closing it: %s", claimed.kind, claimed.id, error)
        reminders.finish(services, claimed, ReminderState.CANCELLED)
        raise
    except IncidentError:
        reminders.finish(services, claimed, ReminderState.CANCELLED)
        raise
    except ValidationError as error:
        log.error("journalled %s %s cannot be read, closing it: %s", claimed.kind, claimed.id, error)
        reminders.finish(services, claimed, ReminderState.CANCELLED)
        raise UnreadableRequest() from error
    except SlackUnavailable as error:
        reminders.release(services, claimed, _described(error))
        raise DeliveryDelayed(str(error)) from error
    except Exception as error:
        reminders.release(services, claimed, _described(error))
        raise


class _CallerLeases:
    """The journal rows this process wrote leased to their caller and not yet applied.

    The first `apply_now` of such a row uses the lease it was written with, with no transaction
    to claim it; any later call claims it as before, which fails once the row is applied. Once the
    lease has run out a scheduler may take the row over; the caller's `settle` then finds it is no
    longer its own, and its transaction is rolled back, so the request is applied once. A row
    accepted but never applied here is forgotten after `KEPT` others (the scheduler applies it).
    """

    KEPT = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workers: dict[str, None] = {}

    def give(self, worker: str) -> str:
        with self._lock:
            self._workers[worker] = None
            if len(self._workers) > self.KEPT:
                del self._workers[next(iter(self._workers))]
        return worker

    def take(self, row: Reminder) -> bool:
        with self._lock:
            return row.claimed_by is not None and self._workers.pop(row.claimed_by, False) is None


_CALLER_LEASES = _CallerLeases()


def replaying(apply: Apply[object]) -> Handler:
    """The scheduler's handler for a request its caller never applied; nobody waits for an answer."""

    def handler(services: Services, row: Reminder) -> None:
        try:
            apply(services, row)
        except IncidentError as error:
            log.info("journalled %s %s cannot be applied: %s", row.kind, row.id, error.code)
            _tell_requester(services, row, error)
            raise ReminderObsolete from error
        except ValidationError as error:
            # The same payload fails the same way on every retry.
            log.error("journalled %s %s cannot be read, closing it: %s", row.kind, row.id, error)
            _tell_requester(services, row, UnreadableRequest())
            raise ReminderObsolete from error

    return handler


def _tell_requester(services: Services, row: Reminder, error: IncidentError) -> None:
    """The person was told their request was taken: now tell them it was closed, and why."""
    asked = _requester(row)
    if asked is None:
        return
    channel, user = asked
    try:
        services.workspace.explain_refusal(channel, user, error)
    except SlackUnavailable:
        # Telling is a courtesy: the request stays closed rather than retried for a message.
        log.warning("could not tell %s that %s %s was closed", user, row.kind, row.id)


def _requester(row: Reminder) -> tuple[str | None, str] | None:
    """Who asked, and from which channel, as every journalled request records it."""
    try:
        asked = json.loads(row.payload or "")
    except ValueError:
        return None
    if not isinstance(asked, dict):
        return None
    user = next((asked[key] for key in REQUESTER_KEYS if isinstance(asked.get(key), str)), None)
    channel = asked.get("channel_id")
    return (channel if isinstance(channel, str) else None, user) if user else None


REQUESTER_KEYS = ("user_id", "declared_by", "reactor")
"""The field naming who asked, in each kind of journalled request."""


def payload(row: Reminder) -> str:
    if row.payload is None:
        raise ReminderObsolete(f"{row.kind} {row.id} has no payload")
    return row.payload


def _described(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
