"""Commands: every request that changes an incident, typed, journalled before the ack, applied once.

A feature declares a `Command` (a pydantic model with a `kind`) and a `CommandHandler` whose
`apply` receives a `UnitOfWork` and the command. A listener builds the command and calls
`submit` before it acknowledges Slack: the journal row is committed with it, so the request
survives a process killed right after the ack. Just after the ack, `apply_submitted` applies it in
the caller's thread; a row nobody applied is applied by the scheduler (`replaying_handler`).
Either way `execute` runs `apply` in one transaction that also marks the row applied, then sends
the messages it emitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from incidentbot.kernel import journal, outbox
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import Person, Transaction
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import Handler
from incidentbot.kernel.unit_of_work import PeopleReader, UnitOfWork

log = logging.getLogger(__name__)


class Command(BaseModel):
    """A request that changes something, as the person asked it."""

    model_config = ConfigDict(frozen=True)

    kind: ClassVar[str]
    """The journal row's kind; unique across features (`registry` refuses a second one)."""

    user_id: str
    """Who asked: told later if the command turns out not to apply."""
    channel_id: str | None = None
    """Where they asked, for that answer."""
    received_at: datetime | None = None
    """When the bot took the request; `submit` sets it, so a replay applies it as of then."""


C = TypeVar("C", bound=Command)
R = TypeVar("R")


@dataclass(frozen=True)
class CommandHandler(Generic[C, R]):
    command: type[C]
    apply: Callable[[UnitOfWork, C], R]
    tells_the_actor: bool = True
    """Whether the person waits on the messages it emits (held up → told it is delayed)."""
    send: Callable[[Services, list[Reminder]], None] | None = None
    """Sends what it emitted, when its messages must keep an order across commands; by default
    they are sent as emitted."""

    @property
    def kind(self) -> str:
        return self.command.kind

    def read(self, row: Reminder) -> C:
        return self.command.model_validate_json(journal.payload(row))


class _SlackPeople(PeopleReader):
    def __init__(self, services: Services) -> None:
        self._services = services

    def person(self, user_id: str) -> Person | None:
        return self._services.workspace.person(user_id)

    def members(self, channel_id: str) -> Collection[str]:
        return self._services.workspace.channel_members(channel_id)


def submit(services: Services, command: Command, delivery: str | None = None) -> Reminder | None:
    """Journal the command (committed on return); None when `delivery` was already claimed."""
    if command.received_at is None:
        command = command.model_copy(update={"received_at": services.clock.now()})
    if delivery is None:
        return journal.accept(services, command.kind, command)
    return journal.accept_once(services, command.kind, command, delivery)


def execute(services: Services, handler: CommandHandler[C, R], command: C, row: Reminder | None) -> R:
    """Apply the command in one unit of work that settles its journal row, then send what it owes."""
    with services.store.transaction() as tx:
        uow = _unit_for(services, tx, handler)
        result = handler.apply(uow, _as_asked(command, row))
        journal.settle(tx, row, uow.now)
    _send(services, handler, uow)
    return result


def _as_asked(command: C, row: Reminder | None) -> C:
    """The command as of when it was journalled, for one written without `received_at`."""
    if command.received_at is None and row is not None:
        return command.model_copy(update={"received_at": row.due_at})
    return command


def _executing(handler: CommandHandler[C, R]) -> Callable[[Services, Reminder], R]:
    """Apply a journalled row's command: what the caller, the one-by-one fallback and a replay run."""
    return lambda services, row: execute(services, handler, handler.read(row), row)


def _unit_for(services: Services, tx: Transaction, handler: CommandHandler[C, R]) -> UnitOfWork:
    # Its rows are leased to this thread as they are written and sent after the commit with no
    # claim; a handler that orders its messages itself claims them as it sends them.
    worker = outbox.caller_worker() if handler.send is None else None
    return unit_of_work(services, tx, services.clock.now(), worker)


def _send(services: Services, handler: CommandHandler[C, R], uow: UnitOfWork) -> None:
    if handler.send is not None:
        handler.send(services, uow.emitted)
    elif handler.tells_the_actor:
        outbox.send_or_explain(services, uow.emitted, uow.worker)
    else:
        outbox.send_now(services, uow.emitted, uow.worker)


def unit_of_work(services: Services, tx: Transaction, now: datetime, worker: str | None = None) -> UnitOfWork:
    """`worker` is given when the caller sends what the unit emits with `outbox.send_now(…, worker)`."""
    return UnitOfWork(
        tx=tx,
        now=now,
        policy=services.policy,
        people=_SlackPeople(services),
        subscribers=services.subscribers,
        worker=worker,
    )


def apply_submitted(services: Services, row: Reminder, handler: CommandHandler[C, R]) -> R | None:
    """Apply a just-submitted command here and now; None when another worker has (or had) it."""
    return journal.apply_now(services, row, _executing(handler))


def apply_submitted_together(services: Services, rows: list[Reminder], handler: CommandHandler[C, R]) -> int:
    """Apply just-submitted commands of one kind in one unit of work: one transaction settles every
    row, and a message several of them owe (the same row, `emit_latest`) is sent once. When that
    unit fails (a command refused, a lease lost, the store), it is rolled back and each command is
    applied alone, as `apply_submitted` would, so one bad command holds up none of the others.
    Returns how many units of work it took (1 when they went together)."""
    claimed = [row for row in (journal.take(services, row) for row in rows) if row is not None]
    if not claimed:
        return 0
    try:
        uow = _execute_together(services, handler, claimed)
    except Exception as error:
        log.info("%d %s applied one by one: together they failed (%s)", len(claimed), handler.kind, error)
        for row in claimed:
            _apply_alone(services, handler, row)
        return len(claimed)
    _send(services, handler, uow)
    return 1


def _execute_together(services: Services, handler: CommandHandler[C, R], rows: list[Reminder]) -> UnitOfWork:
    with services.store.transaction() as tx:
        uow = _unit_for(services, tx, handler)
        for row in rows:
            handler.apply(uow, _as_asked(handler.read(row), row))
            journal.settle(tx, row, uow.now)
    uow.emitted = list({row.id: row for row in uow.emitted}.values())
    return uow


def _apply_alone(services: Services, handler: CommandHandler[C, R], row: Reminder) -> None:
    try:
        journal.apply_claimed(services, row, _executing(handler))
    except Exception:
        # The row stays in the journal (released) or is closed: the scheduler applies what is left.
        log.warning("%s %s not applied yet; the scheduler retries it", row.kind, row.id, exc_info=True)


def replaying_handler(handler: CommandHandler[C, R]) -> Handler:
    """The scheduler's handler for a command whose caller never applied it."""
    apply = _executing(handler)  # bound first: as an argument, mypy would widen R to object
    return journal.replaying(apply)
