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

from incidentbot.config import ConfigError, Settings, load_settings, load_team_config
from incidentbot.declare.service import resume_interrupted
from incidentbot.scheduler import ReminderScheduler
from incidentbot.server import HttpServer
from incidentbot.slack.startup import Backoff, StoppedWaiting, TokenRefused, check_app_token, check_bot_token
from incidentbot.wiring import Bot, build_bot

log = logging.getLogger("incidentbot")
EXIT_CONFIG = 2
BOT_TOKEN_REFUSED = (
    "Slack refused SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token (xoxb-…) from your Slack "
    'app\'s "OAuth & Permissions" page (reinstall the app there if it was uninstalled)'
)
APP_TOKEN_REFUSED = (
    "Slack refused SLACK_APP_TOKEN ({code}): generate an app-level token (xapp-…) with scope "
    'connections:write on your Slack app\'s "Basic Information" page, under App-Level Tokens'
)
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

    stop = stop_on_signals()
    try:
        check_tokens(settings, stop)
    except ConfigError as error:
        print(f"incidentbot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except StoppedWaiting:
        log.info("stopped before Slack answered")
        return 0

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
    if bot.webhooks is not None:
        bot.webhooks.start()
    try:
        if settings.socket_mode:
            log.info("starting in Socket Mode")
            socket_mode = SocketModeHandler(bot.app, settings.slack_app_token)
            socket_mode.connect()  # type: ignore[no-untyped-call]
            serve_http_beside_socket_mode(bot, settings, stop)
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


def serve_http_beside_socket_mode(bot: Bot, settings: Settings, stop: threading.Event) -> None:
    """In Socket Mode nothing else listens on PORT: serve the status page and alert intake there."""
    if bot.deps.status_page is None and not settings.alert_intake_token:
        return
    server = HttpServer(bot, port=settings.port)
    log.info("serving on port %s: GET /status/, POST /alerts/…, GET /healthz", settings.port)
    patience = settings.stop_grace_seconds * ANSWERING_SHARE
    threading.Thread(target=server.serve, args=(stop, patience), name="http", daemon=True).start()


def check_tokens(settings: Settings, stop: threading.Event) -> None:
    """Wait until Slack answers, then raise ConfigError if it refuses a token (see slack/startup.py)."""
    backoff = Backoff(cap=settings.slack_retry_max_seconds)
    url = settings.slack_api_url
    try:
        check_bot_token(settings.slack_bot_token, url, backoff, stop.wait)
    except TokenRefused as refused:
        raise ConfigError(BOT_TOKEN_REFUSED.format(code=refused.code)) from None
    if settings.socket_mode:
        try:
            check_app_token(settings.slack_app_token, url, backoff, stop.wait)
        except TokenRefused as refused:
            raise ConfigError(APP_TOKEN_REFUSED.format(code=refused.code)) from None


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
