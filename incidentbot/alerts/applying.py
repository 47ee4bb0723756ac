"""Applying accepted alerts after their 202: those waiting go together, in one unit of work.

At 100 alerts a second, one transaction (and one triage delivery) per alert kept the applying
thread behind; what it did not reach in `CALLER_FIRST` the scheduler then applied, on more threads,
competing with the requests still coming in. Here one thread at a time applies every alert
waiting, up to `MOST_TOGETHER`, in one transaction, and each group's triage message is sent once
for all of them. A quiet trickle still costs one transaction per alert, as before.

Each alert is journalled (committed) before its 202, as ever: a process killed while alerts wait
here leaves their rows in the journal, and the scheduler applies them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from incidentbot.alerts.ports import AlertGroup
from incidentbot.alerts.receive import ReceiveAlerts
from incidentbot.kernel import commands
from incidentbot.kernel.commands import CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.reminder_rows import Reminder

log = logging.getLogger(__name__)
MOST_TOGETHER = 200
"""Alerts applied in one transaction at most: a couple of seconds' worth at 100 a second."""

Later = Callable[[Callable[[], object]], object]


class AppliedTogether:
    """Accepted alerts to apply; one drain at a time takes every alert waiting."""

    def __init__(
        self,
        services: Services,
        handler: CommandHandler[ReceiveAlerts, AlertGroup | None],
        later: Later,
        most: int = MOST_TOGETHER,
    ) -> None:
        self._services = services
        self._handler = handler
        self._later = later
        self._most = most
        self._lock = threading.Lock()
        self._waiting: list[Reminder] = []
        self._draining = False
        self.units = 0
        """How many units of work applied the alerts so far (for tests and benchmarks)."""

    def add(self, row: Reminder) -> None:
        """Apply this journalled alert soon, with any others waiting then."""
        with self._lock:
            self._waiting.append(row)
            if self._draining:
                return  # the drain under way takes it on its next round
            self._draining = True
        try:
            self._later(self._drain)
        except RuntimeError:
            # Shutting down: the rows stay in the journal, where the scheduler finds them.
            with self._lock:
                self._draining = False
            log.warning("alerts left to the scheduler: the applying threads are stopping")

    def _drain(self) -> None:
        while True:
            with self._lock:
                rows = self._waiting[: self._most]
                del self._waiting[: self._most]
                if not rows:
                    self._draining = False
                    return
            try:
                self.units += commands.apply_submitted_together(self._services, rows, self._handler)
            except Exception:
                # The rows stay in the journal: the scheduler applies them later.
                log.warning("%d alerts not applied yet; the scheduler retries them", len(rows), exc_info=True)
