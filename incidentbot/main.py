"""The `python app.py` entry point: settings, then Socket Mode or the HTTP server."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler

from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.scheduler import ReminderScheduler
from incidentbot.server import HttpServer
from incidentbot.services.declare import resume_interrupted
from incidentbot.wiring import build_bot

log = logging.getLogger("incidentbot")
EXIT_CONFIG = 2
ANSWERING_SHARE = 0.5
"""Of the stop's grace period, the most spent answering requests already received."""
MIN_WORK_SECONDS = 1.0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per tick is noise
    try:
        settings = load_settings()
        settings.check_ready()
        team = load_team_config(settings.incidentbot_config)
    except ConfigError as error:
        print(f"incidentbot: {error}", file=sys.stderr)
        return EXIT_CONFIG

    bot = build_bot(settings, team)
    threading.Thread(target=resume_interrupted, args=(bot.services,), name="resume", daemon=True).start()
    reminders = ReminderScheduler(
        bot.services,
        interval_seconds=settings.reminder_interval_seconds,
        parallel=settings.reminder_parallelism,
        housekeeping_interval_seconds=settings.housekeeping_interval_seconds,
        retention=settings.retention,
        give_way=bot.deps.ack_first.wait_for_quiet,
    )
    reminders.start()
    stop = stop_on_signals()
    try:
        if settings.socket_mode:
            log.info("starting in Socket Mode")
            socket_mode = SocketModeHandler(bot.app, settings.slack_app_token)
            socket_mode.connect()  # type: ignore[no-untyped-call]
            stop.wait()
            log.info("stopping: closing the Socket Mode connection")
            socket_mode.close()  # type: ignore[no-untyped-call]
        else:
            server = HttpServer(bot, port=settings.port)
            log.info("serving HTTP on port %s: POST /slack/events, GET /healthz", settings.port)
            server.serve(stop, patience=settings.stop_grace_seconds * ANSWERING_SHARE)
    finally:
        log.info("stopping: finishing the work already acknowledged")
        left = settings.stop_grace_seconds - stop.seconds_since_set()
        finished = finish_within(max(MIN_WORK_SECONDS, left), reminders.stop, bot.close)
    if not finished:
        # Acknowledged work still running (Slack down, a queue of paced posts) waits in the journal
        # and the outbox, where another replica or the next start takes it up. Exit before the
        # platform's kill; waiting on the pools' threads at exit would block it.
        log.warning("stopped with acknowledged work unfinished; the next start or a replica finishes it")
        logging.shutdown()
        os._exit(0)
    log.info("stopped")
    return 0


def finish_within(seconds: float, *steps: Callable[[], object]) -> bool:
    """Run `steps` in order on a thread of their own; False if they are not done in `seconds`."""
    done = threading.Event()

    def run() -> None:
        try:
            for step in steps:
                step()
        finally:
            done.set()

    threading.Thread(target=run, name="stopping", daemon=True).start()
    return done.wait(seconds)


class StopSignal(threading.Event):
    """Set by SIGTERM or SIGINT; remembers when, so the stop keeps to its grace period."""

    _set_at: float | None = None

    def set(self) -> None:
        self._set_at = time.monotonic()
        super().set()

    def seconds_since_set(self) -> float:
        """0 when it was never set (the server failed rather than being told to stop)."""
        return 0.0 if self._set_at is None else time.monotonic() - self._set_at


def stop_on_signals() -> StopSignal:
    """An event set by SIGTERM (a deploy, a scale-down) or SIGINT (Ctrl-C); a second one kills."""
    stop = StopSignal()

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop
