"""How often one client, or one address, may use the subscribe form: a sliding window per key.

Kept in memory: a restart forgets it, which costs at most one more window of confirmation mails.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
PER_ADDRESS = 3
"""Confirmation mails one address receives per window: enough to retry a lost one, not to flood."""
PER_CLIENT = 20
MAX_KEYS = 100_000
"""Beyond this many clients in one window the oldest are forgotten, so memory stays bounded."""


class RateLimit:
    def __init__(self, limit: int, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: datetime) -> bool:
        """Count one use by `key` now; False (and not counted) when it used up its window."""
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and now - times[0] >= self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            if len(self._seen) > MAX_KEYS:
                self._seen.pop(next(iter(self._seen)))
            return True

    def minutes_left(self) -> int:
        return int(self.window.total_seconds() // 60)
