"""Slack's posting pace: about one message a second in each channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from incidentbot.kernel.reminders import ReminderWaiting, waiting_turn

FORGET_AFTER = 60.0
"""Seconds after which a booked turn nobody came back for is forgotten."""


class ChannelPacer:
    """Keeps to about one message per second per channel, Slack's posting limit."""

    def __init__(
        self,
        interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._next: dict[str, float] = {}
        self._booked: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def take_turn(self, channel: str) -> None:
        """Wait for the channel's turn to post. The first message of a timed delivery waits only
        a moment (`reminders.waiting_turn`): when its turn is further off, it books the turn and
        the delivery goes back to the queue as waiting until then (`ReminderWaiting`)."""
        turn = waiting_turn()
        if turn is None:
            self.wait(channel)
            return
        key, patience = turn
        wait = self.book(channel, key, patience)
        if wait:
            raise ReminderWaiting(
                f"{channel}'s turn to post comes in {wait:.1f} s",
                timedelta(seconds=max(wait - patience, patience / 2)),
            )

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            self._next[channel] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)

    def is_free(self, channel: str) -> bool:
        """Whether a message could go to the channel now without waiting (no slot is taken)."""
        with self._lock:
            return self._next.get(channel, 0.0) <= self._monotonic()

    def wait_if_soon(self, channel: str, within: float) -> bool:
        """Take the channel's next slot and wait for it, if it comes within `within` seconds;
        False (no slot taken) when the channel is busier than that, so the caller can come back."""
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next.get(channel, 0.0))
            if slot - now > within:
                return False
            self._next[channel] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
        return True

    def book(self, channel: str, key: str, within: float) -> float:
        """Wait for the channel's turn booked under `key` (booking the next one if there is none)
        when it comes within `within` seconds, and return 0.0; otherwise return the seconds until
        it, the turn kept booked, so the caller can come back for it then rather than sleep.

        A turn not come back for (another process took the delivery over) costs its channel one
        slot, and is forgotten once it is a minute past.
        """
        with self._lock:
            now = self._monotonic()
            slot = self._booked.pop((channel, key), None)
            if slot is None:
                slot = max(now, self._next.get(channel, 0.0))
                self._next[channel] = slot + self._interval
            if slot - now > within:
                self._forget_past(now)
                self._booked[(channel, key)] = slot
                return slot - now
        if slot > now:
            self._sleep(slot - now)
        return 0.0

    def _forget_past(self, now: float) -> None:
        for booking, slot in list(self._booked.items()):
            if slot < now - FORGET_AFTER:
                del self._booked[booking]
