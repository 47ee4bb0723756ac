"""Every kind of row has one handler, and every feature's messages an implementation, once the
features have registered theirs."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import incidentbot
from incidentbot.clock import ManualClock
from incidentbot.incident.policy import Policy
from incidentbot.kernel.commands import Command, CommandHandler, replaying_handler
from incidentbot.kernel.context import Services
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.messages import Messages, MessagesMissing
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import KindRegisteredTwice, Registry
from incidentbot.kernel.reminder_rows import Reminder, ReminderKind
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.rendering import Renderer
from incidentbot.wiring import build_registry
from incidentbot.wrap_up.ports import ACTION_OVERDUE
from tests.support.memory import MemoryStore, RecordingWorkspace


def _command_kinds() -> set[str]:
    """The kind of every command any module of the bot defines."""
    for module in pkgutil.walk_packages(incidentbot.__path__, "incidentbot."):
        importlib.import_module(module.name)
    found: set[str] = set()
    pending = list(Command.__subclasses__())
    while pending:
        command = pending.pop()
        if command.__module__.startswith("incidentbot."):
            found.add(command.kind)
        pending.extend(command.__subclasses__())
    return found


def test_every_kind_has_a_handler_after_wiring() -> None:
    registry = build_registry()
    kinds = {*JournalKind, *OutboxKind, *ReminderKind, ACTION_OVERDUE, *_command_kinds()}
    assert sorted(kinds - set(registry)) == []


def test_every_command_is_registered_as_one() -> None:
    registry = build_registry()
    commands = _command_kinds()
    assert commands, "the bot has commands"
    assert sorted(kind for kind in commands if registry.command(kind) is None) == []


class _Ping(Command):
    kind = "test_ping"


def _ignore(_services: object, _row: Reminder) -> None:
    return None


def _apply(_uow: UnitOfWork, _command: _Ping) -> None:
    return None


def test_a_kind_registered_twice_is_refused() -> None:
    registry = Registry()
    registry.add_delivery("test_kind", _ignore)
    with pytest.raises(KindRegisteredTwice, match="test_kind"):
        registry.add_delivery("test_kind", _ignore)
    registry.add_command(CommandHandler(_Ping, _apply))
    with pytest.raises(KindRegisteredTwice, match="test_ping"):
        registry.add_command(CommandHandler(_Ping, _apply))
    assert sorted(registry) == ["test_kind", "test_ping"]


def test_a_feature_kind_is_refused_when_another_feature_took_it() -> None:
    registry = build_registry()
    with pytest.raises(KindRegisteredTwice):
        registry.add_delivery(OutboxKind.SET_UP, _ignore)
    with pytest.raises(KindRegisteredTwice):
        registry.add_delivery(JournalKind.NOTE, replaying_handler(CommandHandler(_Ping, _apply)))


def _messages_keys() -> set[str]:
    """The name of every `Messages` key a module of the bot declares."""
    found: set[str] = set()
    for module in pkgutil.walk_packages(incidentbot.__path__, "incidentbot."):
        loaded = importlib.import_module(module.name)
        found.update(value.name for value in vars(loaded).values() if isinstance(value, Messages))
    return found


def test_every_features_messages_are_built_after_wiring() -> None:
    keys = _messages_keys()
    assert {"cadence", "wrap_up", "declare"} <= keys
    built = build_registry().build_messages(RecordingWorkspace(), Renderer())
    assert sorted(keys - set(built)) == []


def test_messages_registered_twice_or_never_are_refused_by_name() -> None:
    registry = Registry()
    key: Messages[object] = Messages("test_ping")
    registry.add_messages(key, lambda _workspace, _renderer: object())
    with pytest.raises(KindRegisteredTwice):
        registry.add_messages(key, lambda _workspace, _renderer: object())
    services = Services(MemoryStore(), RecordingWorkspace(), Policy(), ManualClock(), handlers=registry)
    with pytest.raises(MessagesMissing, match="'test_ping'"):
        key.of(services)
