"""Calls the fake Slack keeps waiting, unanswered and not applied, until the test drops them.

A `kill -9` test holds the first call a bot makes after a commit, kills the bot while the call
waits, then drops it: Slack never took it, as when a process dies before its request is sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Args = dict[str, Any]


class CallHolds:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._holds: list[tuple[str, Callable[[Args], bool]]] = []
        self._waiting = 0
        self._dropped = 0

    def hold(self, method: str, when: Callable[[Args], bool] = lambda _args: True) -> None:
        """Keep every call to `method` whose arguments match `when` waiting until `drop`."""
        with self._cond:
            self._holds.append((method, when))

    @property
    def waiting(self) -> int:
        with self._cond:
            return self._waiting

    def drop(self) -> None:
        """Answer the waiting calls with an error, applying none; later calls are not held."""
        with self._cond:
            self._holds.clear()
            self._dropped += self._waiting
            self._cond.notify_all()

    def dropped(self, method: str, args: Args) -> bool:
        """Called for every API call: True when it was held and then dropped (not to be applied)."""
        with self._cond:
            if not any(held == method and when(args) for held, when in self._holds):
                return False
            self._waiting += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._holds)
            self._waiting -= 1
            return True
