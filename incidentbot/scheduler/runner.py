"""One interval job per process that delivers due reminders.

APScheduler only supplies the heartbeat. Due times live in the `reminders` table and are claimed
there, so nothing is kept in APScheduler's memory job store: a restart loses nothing, and any
number of processes may run this job against one database (APScheduler's own shared job stores
are not safe across processes, which is why none is used).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from incidentbot.services.context import Services
from incidentbot.services.schedule import fire_due

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_SECONDS = 2.0


def worker_name() -> str:
    """Unique per process start: a restarted process must not inherit the leases of its past life."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ReminderScheduler:
    def __init__(
        self,
        services: Services,
        *,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        parallel: int = 1,
        worker_id: str | None = None,
    ) -> None:
        self.services = services
        self.interval_seconds = interval_seconds
        self.parallel = parallel
        self.worker_id = worker_id or worker_name()
        self._scheduler = BackgroundScheduler(timezone=UTC, daemon=True)

    def start(self) -> None:
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval_seconds,
            id="fire_due_reminders",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            # At once: what came due while no process was running goes out right after start.
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()
        log.info(
            "reminders: firing every %.1f s as %s, %d at a time",
            self.interval_seconds,
            self.worker_id,
            self.parallel,
        )

    def tick(self) -> None:
        try:
            report = fire_due(self.services, self.worker_id, parallel=self.parallel)
        except Exception:
            # The database may be briefly unreachable; the next tick tries again.
            log.exception("reminders: firing failed")
            return
        if report.delivered or report.retried:
            log.info(
                "reminders: %d delivered, %d cancelled, %d to retry",
                report.delivered,
                report.cancelled,
                report.retried,
            )

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
