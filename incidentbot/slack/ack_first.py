"""Acknowledging Slack comes first: slow work after an ack gives way to requests still waiting.

Slack drops any request not acknowledged within 3 s, and in a burst the work that follows the
acks (creating channels, opening modals, posting) competes with the acks for one interpreter.
The HTTP layer counts the requests it is answering; work queued after an ack waits until none
is left, or until its own patience runs out, so a steady stream of requests cannot starve it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class AckFirst:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answering = 0
        self._quiet = threading.Event()
        self._quiet.set()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Wrap the handling of one incoming request, from receipt to response."""
        with self._lock:
            self._answering += 1
            self._quiet.clear()
        try:
            yield
        finally:
            with self._lock:
                self._answering -= 1
                if self._answering == 0:
                    self._quiet.set()

    @property
    def answering_now(self) -> int:
        return self._answering

    def wait_for_quiet(self, at_most: float) -> bool:
        """Block until no request is being answered, at most `at_most` seconds; True if quiet."""
        return self._quiet.wait(at_most)
