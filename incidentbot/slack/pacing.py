"""Slack's posting pace: about one message a second in each channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class ChannelPacer:
    """Keeps to about one message per second per channel, Slack's posting limit."""

    def __init__(self, interval: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = interval
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            self._next[channel] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)

    def is_free(self, channel: str) -> bool:
        """Whether a message could go to the channel now without waiting (no slot is taken)."""
        with self._lock:
            return self._next.get(channel, 0.0) <= time.monotonic()

    def wait_if_soon(self, channel: str, within: float) -> bool:
        """Take the channel's next slot and wait for it, if it comes within `within` seconds;
        False (no slot taken) when the channel is busier than that, so the caller can come back."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            if slot - now > within:
                return False
            self._next[channel] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
        return True
