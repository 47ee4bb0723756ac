"""Applying a command in a test as the kernel does, short of sending what it owes."""

from __future__ import annotations

from typing import TypeVar

from incidentbot.kernel import commands
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services

C = TypeVar("C", bound=Command)
R = TypeVar("R")


def applied(services: Services, handler: CommandHandler[C, R], command: C) -> R:
    """`handler.apply` in one committed unit of work, its messages left owed in the outbox:
    the test sends them (or not, as a process that died right after the commit would not)."""
    with services.store.transaction() as tx:
        uow = commands.unit_of_work(services, tx, services.clock.now())
        return handler.apply(uow, command)
