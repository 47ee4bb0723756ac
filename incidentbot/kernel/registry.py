"""Which handler takes each kind of row, filled by the features at wiring time.

Each feature registers its kinds from one module of its own (`<feature>/register.py`, a
`register(registry)` function), and `wiring.py` calls them all. The kernel reads the handlers
from `Services.handlers` and never imports a feature, so no module below the wiring depends on
every feature, and adding a kind touches only its feature.

A journalled command is registered with its `CommandHandler`: its row is replayed through
`replaying_handler` when its caller never applied it. Outbox messages, reminders and requests
journalled before commands existed are registered with a delivery `Handler`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from incidentbot.kernel.commands import CommandHandler, replaying_handler
from incidentbot.kernel.context import Sweep, ViewPart
from incidentbot.kernel.messages import Build, Messages
from incidentbot.kernel.reminders import Handler
from incidentbot.kernel.unit_of_work import Subscriber

if TYPE_CHECKING:
    from incidentbot.kernel.ports import Workspace

T = TypeVar("T")


class KindRegisteredTwice(ValueError):
    """Two handlers for one kind: rows of it would go to whichever was registered last."""


class Registry(Mapping[str, Handler]):
    """The delivery handler of every registered kind; a `Mapping` for the reminder engine."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._commands: dict[str, CommandHandler[Any, Any]] = {}
        self._timed: set[str] = set()
        self.subscribers: dict[type, list[Subscriber]] = {}
        self.view_parts: list[ViewPart] = []
        self.sweeps: dict[str, Sweep] = {}
        self._messages: dict[str, Build[object]] = {}

    def add_command(self, handler: CommandHandler[Any, Any]) -> None:
        """A command's kind: applied by `handler`, replayed by the scheduler if nobody applied it."""
        self.add_delivery(handler.kind, replaying_handler(handler))
        self._commands[handler.kind] = handler

    def add_delivery(self, kind: str, handler: Handler, *, timed: bool = False) -> None:
        """An outbox, reminder or journal kind delivered by `handler`.

        `timed`: its rows are owed at a given time (an inject, a nag), so the scheduler also
        delivers them in a lane of their own that bulk work (channel set-ups) cannot fill.
        """
        if kind in self._handlers:
            raise KindRegisteredTwice(kind)
        self._handlers[kind] = handler
        if timed:
            self._timed.add(kind)

    @property
    def timed_kinds(self) -> frozenset[str]:
        """The kinds registered `timed`."""
        return frozenset(self._timed)

    def on(self, event: type, subscriber: Subscriber) -> None:
        """Run `subscriber` in the unit of work of any command that announces an `event`."""
        self.subscribers.setdefault(event, []).append(subscriber)

    def add_view_part(self, part: ViewPart) -> None:
        """Give every incident's templates what `part` reads (the summary's alerts)."""
        self.view_parts.append(part)

    def add_sweep(self, name: str, sweep: Sweep) -> None:
        """Have housekeeping run `sweep` too: the feature's own rows past their retention."""
        if name in self.sweeps:
            raise KindRegisteredTwice(name)
        self.sweeps[name] = sweep

    def add_messages(self, key: Messages[T], build: Build[T]) -> None:
        """How a feature's messages with buttons are built in Slack (`kernel/messages.py`)."""
        if key.name in self._messages:
            raise KindRegisteredTwice(key.name)
        self._messages[key.name] = build

    def build_messages(self, workspace: Workspace, renderer: Any) -> dict[str, object]:
        """Every feature's messages, built on `workspace` and `renderer`, for `Services.messages`."""
        return {name: build(workspace, renderer) for name, build in self._messages.items()}

    def command(self, kind: str) -> CommandHandler[Any, Any] | None:
        return self._commands.get(kind)

    def __getitem__(self, kind: str) -> Handler:
        return self._handlers[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)
