"""The `python app.py` entry point: settings, then Socket Mode or the HTTP server."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler

from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.scheduler import ReminderScheduler
from incidentbot.server import HttpServer
from incidentbot.services.declare import resume_interrupted
from incidentbot.wiring import build_bot

log = logging.getLogger("incidentbot")
EXIT_CONFIG = 2


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
            server.serve(stop)
    finally:
        # What was acknowledged is finished before exiting: the work queued after acks, then the
        # journal's last rows. Anything still unfinished when the platform kills the process is
        # in the journal and outbox, where another replica or the next start takes it up.
        log.info("stopping: finishing the work already acknowledged")
        reminders.stop()
        bot.close()
        log.info("stopped")
    return 0


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (a deploy, a scale-down) or SIGINT (Ctrl-C); a second one kills."""
    stop = threading.Event()

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop
