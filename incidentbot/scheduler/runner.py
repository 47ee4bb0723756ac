"""Interval jobs per process: one delivers due reminders, one sweeps away finished rows.

A third job delivers only the rows of timed kinds (injects, nags: `Services.timed_kinds`) on a
few threads of its own, so that a burst of bulk work (fifty channels being set up) holding every
thread of the first job does not make them late. Both claim through the same leases, so a row
is still delivered by one worker at a time, whichever job takes it.

APScheduler only supplies the heartbeat. Due times live in the `reminders` table and are claimed
there, so nothing is kept in APScheduler's memory job store: a restart loses nothing, and any
number of processes may run this job against one database (APScheduler's own shared job stores
are not safe across processes, which is why none is used). The housekeeping job is as safe to
run on every process: it only deletes rows nothing reads any more (`kernel/housekeeping.py`).
In HTTP mode both jobs first give way to requests being acknowledged (`slack/ack_first.py`).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from incidentbot.kernel import housekeeping, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.housekeeping import DEFAULT_RETENTION, Retention

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_SECONDS = 2.0
DEFAULT_HOUSEKEEPING_SECONDS = 3600.0
TICK_PATIENCE_SECONDS = 1.0
"""How long a tick gives way to requests being acknowledged; a nag goes out at most this late."""
TIMED_PATIENCE_SECONDS = 0.25
"""The timed lane gives way to acknowledgements for less: its rows are owed at a given second."""
TIMED_THREADS = 8
"""Threads of the timed lane (at most as many as the main job has; none on SQLite). Each may wait
up to `reminders.TURN_PATIENCE` for a channel's turn; two were too few for the injects and nags
of fifty drills coming due while their channels were set up."""
HOUSEKEEPING_PATIENCE_SECONDS = 30.0
GiveWay = Callable[[float], object]
"""Blocks while requests are being acknowledged, at most the given seconds (`AckFirst.wait_for_quiet`)."""
HOUSEKEEPING_FIRST_RUN = timedelta(minutes=1)
"""After start-up's own work; soon enough that processes restarted often still sweep."""


def worker_name() -> str:
    """Unique per process start: a restarted process must not inherit the leases of its past life."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _never_wait(_: float) -> None:
    return None


class ReminderScheduler:
    def __init__(
        self,
        services: Services,
        *,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        parallel: int = 1,
        worker_id: str | None = None,
        housekeeping_interval_seconds: float = DEFAULT_HOUSEKEEPING_SECONDS,
        retention: Retention = DEFAULT_RETENTION,
        give_way: GiveWay | None = None,
    ) -> None:
        self.services = services
        self.interval_seconds = interval_seconds
        self.parallel = parallel
        self.timed_parallel = min(TIMED_THREADS, parallel) if parallel > 1 else 0
        self.worker_id = worker_id or worker_name()
        self.timed_worker_id = f"{self.worker_id}/timed"
        """A lease name of its own: a row one lane holds is never taken as the other's."""
        self.housekeeping_interval_seconds = housekeeping_interval_seconds
        self.retention = retention
        self._give_way = give_way or _never_wait
        self._scheduler = BackgroundScheduler(timezone=UTC, daemon=True)

    def start(self) -> None:
        # At once: what came due while no process was running goes out right after start.
        self._every(self.tick, self.interval_seconds, "fire_due_reminders", timedelta(0))
        if self.timed_parallel and self.services.timed_kinds:
            self._every(self.timed_tick, self.interval_seconds, "fire_timed_reminders", timedelta(0))
        first_sweep = min(HOUSEKEEPING_FIRST_RUN, timedelta(seconds=self.housekeeping_interval_seconds))
        self._every(self.housekeep, self.housekeeping_interval_seconds, "housekeeping", first_sweep)
        self._scheduler.start()
        log.info(
            "reminders: firing every %.1f s as %s, %d at a time",
            self.interval_seconds,
            self.worker_id,
            self.parallel,
        )

    def _every(self, job: Callable[[], object], seconds: float, job_id: str, first_in: timedelta) -> None:
        self._scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=job_id,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC) + first_in,
        )

    def tick(self) -> None:
        self._give_way(TICK_PATIENCE_SECONDS)
        try:
            report = reminders.fire_due(self.services, self.worker_id, parallel=self.parallel)
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

    def timed_tick(self) -> None:
        self._give_way(TIMED_PATIENCE_SECONDS)
        try:
            report = reminders.fire_timed(self.services, self.timed_worker_id, parallel=self.timed_parallel)
        except Exception:
            log.exception("reminders: firing timed rows failed")
            return
        if report.delivered or report.retried:
            log.info("reminders: %d timed delivered, %d to retry", report.delivered, report.retried)

    def housekeep(self) -> None:
        self._give_way(HOUSEKEEPING_PATIENCE_SECONDS)
        try:
            housekeeping.sweep(self.services, self.retention)
        except Exception:
            # Nothing is lost by sweeping later; the next run carries on where this one stopped.
            log.exception("housekeeping failed")

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
