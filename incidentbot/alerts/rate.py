"""Each sender's pace: so many alerts a minute, then 429 with how long to wait."""

from __future__ import annotations

import math
import threading
from collections import deque
from datetime import datetime, timedelta

from incidentbot.clock import Clock

WINDOW = timedelta(minutes=1)


class SenderPace:
    """A sliding minute per sender; a request is let in while the minute has room, whatever its size.

    A sender's one notification may carry more alerts than the whole budget (a storm in one group):
    it is taken, and the sender then waits until the minute has room again.
    """

    def __init__(self, clock: Clock, per_minute: int) -> None:
        self._clock = clock
        self._per_minute = per_minute
        self._taken: dict[str, deque[tuple[datetime, int]]] = {}
        self._counted: dict[str, int] = {}
        """The alerts each sender's deque holds, kept as it changes: at 100 requests a second the
        minute holds 6,000 entries, too many to add up on every request under the lock."""
        self._lock = threading.Lock()

    def admit(self, sender: str, alerts: int) -> int | None:
        """None when admitted (and counted); otherwise the seconds to wait before trying again."""
        now = self._clock.now()
        with self._lock:
            taken = self._taken.setdefault(sender, deque())
            counted = self._counted.get(sender, 0)
            while taken and taken[0][0] <= now - WINDOW:
                counted -= taken.popleft()[1]
            self._counted[sender] = counted
            if counted >= self._per_minute:
                return max(1, math.ceil((taken[0][0] + WINDOW - now).total_seconds()))
            taken.append((now, alerts))
            self._counted[sender] = counted + alerts
            return None
