"""The `python app.py` entry point: settings, then Socket Mode or the HTTP server."""

from __future__ import annotations

import logging
import sys
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler

from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.scheduler import ReminderScheduler
from incidentbot.server import make_server
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
    try:
        if settings.socket_mode:
            log.info("starting in Socket Mode")
            SocketModeHandler(bot.app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
            return 0

        server = make_server(bot, port=settings.port)
        log.info("serving HTTP on port %s: POST /slack/events, GET /healthz", settings.port)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        reminders.stop()
        bot.close()
    return 0
