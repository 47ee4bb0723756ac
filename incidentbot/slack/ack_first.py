"""Acknowledging Slack comes first: slow work after an ack gives way to requests still waiting.

Slack drops any request not acknowledged within 3 s, and in a burst the work that follows the
acks (creating channels, opening modals, posting) competes with the acks for one interpreter.
The HTTP layer counts the requests it is answering; work queued after an ack waits until none
has been in flight for a moment, or until its own patience runs out, so a steady stream of
requests cannot starve it. Work already under way gives way again before each Slack call it
makes (`give_way`), unless it runs on a thread that answers requests itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

SETTLE_SECONDS = 0.05
"""How long nothing must be in flight before the server counts as quiet.

In a burst the count of requests being answered touches zero between two of them, whenever the
server threads are faster than the socket loop handing them work; a set-up started at such an
instant would compete with the rest of the burst for the interpreter.
"""


CALL_PATIENCE_SECONDS = 0.5
"""How long background work waits before each Slack call while requests are being answered."""


class AckFirst:
    def __init__(self, settle: float = SETTLE_SECONDS) -> None:
        self._settle = settle
        self._threads = threading.local()
        self._lock = threading.Lock()
        self._answering = 0
        self._quiet = threading.Event()
        self._quiet.set()
        self._quiet_since = time.monotonic() - settle

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Wrap the handling of one incoming request, from receipt to response."""
        with self._lock:
            self._answering += 1
            self._quiet.clear()
        was_foreground = self.is_foreground()
        self.mark_foreground()
        try:
            yield
        finally:
            self._threads.foreground = was_foreground
            with self._lock:
                self._answering -= 1
                if self._answering == 0:
                    self._quiet_since = time.monotonic()
                    self._quiet.set()

    @property
    def answering_now(self) -> int:
        return self._answering

    def mark_foreground(self) -> None:
        """This thread answers requests (a request or modal thread): it never gives way."""
        self._threads.foreground = True

    def is_foreground(self) -> bool:
        return bool(getattr(self._threads, "foreground", False))

    def give_way(self, at_most: float = CALL_PATIENCE_SECONDS) -> None:
        """On a background thread, wait for quiet (at most `at_most`); on a foreground one, go on."""
        if not self.is_foreground():
            self.wait_for_quiet(at_most)

    def wait_for_quiet(self, at_most: float) -> bool:
        """Block until nothing has been answered for the settle time, at most `at_most` seconds.

        True if quiet; False when the patience ran out first.
        """
        deadline = time.monotonic() + at_most
        while True:
            if not self._quiet.wait(max(0.0, deadline - time.monotonic())):
                return False
            unsettled = self._quiet_since + self._settle - time.monotonic()
            if unsettled <= 0 and self._quiet.is_set():
                return True
            if time.monotonic() + unsettled > deadline:
                time.sleep(max(0.0, deadline - time.monotonic()))
                return False
            time.sleep(max(0.0, unsettled))
