"""What the in-memory store is handed, with its times made UTC as the SQL store's column type does.

`store/tables.UtcDateTime` refuses a naive datetime and gives every time back in UTC; a use case
that passed a local or naive time would pass its tests on the in-memory store and fail on SQL
without this.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel


def in_utc(value: Any) -> Any:
    """The value with every datetime in it (a model's or a dataclass's fields too) turned to UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value if value.tzinfo is UTC else value.astimezone(UTC)
    fields = _time_fields(type(value))
    if not fields:
        return value
    found = {name: getattr(value, name) for name in fields}
    changed = {name: made for name, was in found.items() if (made := in_utc(was)) is not was}
    if not changed:
        return value
    if isinstance(value, BaseModel):
        return value.model_copy(update=changed)
    return dataclasses.replace(value, **changed)


@cache
def _time_fields(kind: type) -> tuple[str, ...]:
    """The fields of a model or dataclass that may hold a time, looked up once per class."""
    if issubclass(kind, BaseModel):
        hints = {name: field.annotation for name, field in kind.model_fields.items()}
    elif dataclasses.is_dataclass(kind):
        resolved = typing.get_type_hints(kind)
        hints = {f.name: resolved[f.name] for f in dataclasses.fields(kind) if f.init}
    else:
        return ()
    return tuple(name for name, hint in hints.items() if _may_hold_time(hint))


def _may_hold_time(hint: Any) -> bool:
    if hint is datetime:
        return True
    if isinstance(hint, type) and (issubclass(hint, BaseModel) or dataclasses.is_dataclass(hint)):
        return bool(_time_fields(hint))
    return any(_may_hold_time(argument) for argument in typing.get_args(hint))


class InUtc:
    """A transaction's view of the store: each call's arguments in UTC, everything else as is."""

    def __init__(self, store: object) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if not callable(found):
            return found
        wrapped = _with_utc_arguments(found)
        setattr(self, name, wrapped)  # the next call of this method skips `__getattr__`
        return wrapped


def _with_utc_arguments(method: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return method(*map(in_utc, args), **{key: in_utc(value) for key, value in kwargs.items()})

    return call
