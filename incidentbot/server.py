"""HTTP mode: Bolt behind waitress, a multi-threaded production WSGI server.

`POST /slack/events` takes slash commands, interactivity and events; `POST /alerts/…` takes alerts
(`incidentbot/alerts/intake.py`); `GET /healthz` answers 200 when the database answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from incidentbot.alerts.intake import MAX_BODY_BYTES
from incidentbot.alerts.intake import PREFIX as ALERTS_PREFIX
from incidentbot.status_page import routes as status_routes
from incidentbot.status_page import routes_subscribe

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from incidentbot.wiring import Bot

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SERVER_THREADS = 32
LOOP_SECONDS = 0.1
"""How often the socket loop looks whether it was told to stop, when no socket is ready."""
BACKGROUND_STOP_PATIENCE_SECONDS = 2.0


def wsgi_app(bot: Bot) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(bot.app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            return _health(bot, start_response)
        if bot.subscriptions and routes_subscribe.handles(str(environ.get("PATH_INFO", ""))):
            return routes_subscribe.serve(bot.subscriptions, environ, start_response)
        if bot.deps.status_page and status_routes.handles(str(environ.get("PATH_INFO", ""))):
            return status_routes.serve(bot.deps.status_page, environ, start_response)
        if str(environ.get("PATH_INFO", "")).startswith(ALERTS_PREFIX):
            return _alerts(bot, environ, start_response)
        try:
            with bot.deps.ack_first.answering():
                return slack(environ, start_response)
        except Exception as error:
            # Bolt parses the body before it checks the signature; a body it cannot parse is the
            # sender's mistake, not a server error: one line, no traceback.
            log.warning("refused a request Bolt could not parse: %s: %s", type(error).__name__, error)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad request\n"]

    return application


def _alerts(bot: Bot, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path, method = str(environ.get("PATH_INFO", "")), str(environ.get("REQUEST_METHOD", ""))
    headers = {
        "content-type": str(environ.get("CONTENT_TYPE", "")),
        "content-length": str(environ.get("CONTENT_LENGTH", "")),
        "authorization": str(environ.get("HTTP_AUTHORIZATION", "")),
    }
    answer = bot.alerts.refuse_early(path, method, headers)
    if answer is None:
        # Never more than the limit and a byte is read, whatever the sender claims to send.
        body = environ["wsgi.input"].read(min(_length(headers), MAX_BODY_BYTES + 1))
        answer = bot.alerts.receive(path, method, headers, body)
    start_response(
        f"{answer.status} {HTTPStatus(answer.status).phrase}",
        [("Content-Type", "application/json"), *answer.headers],
    )
    return [answer.encoded()]


def _length(headers: dict[str, str]) -> int:
    given = headers["content-length"]
    return int(given) if given.isdigit() else 0


def _health(bot: Bot, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with bot.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"database unavailable\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def make_server(bot: Bot, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server; `.effective_port` tells the port. Serve it with `HttpServer`."""
    return create_server(wsgi_app(bot), host=host, port=port, threads=SERVER_THREADS, ident="incidentbot")


class HttpServer:
    """Serve until told to stop; then stop listening and answer the requests already received.

    A deploy or a scale-down sends SIGTERM: requests already read are answered (and so
    acknowledged to Slack) instead of cut off; new connections are refused, so Slack sends them
    to another replica or retries. Everything happens in the socket loop's own thread, because
    closing waitress's sockets from another thread races its select().
    """

    def __init__(self, bot: Bot, host: str = "0.0.0.0", port: int = 3000) -> None:
        self._server = make_server(bot, host=host, port=port)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def serve(self, stop: threading.Event, patience: float) -> None:
        """Serve until `stop` is set, then answer what was received, for at most `patience` s."""
        socket_map = self._server._map
        while not stop.is_set():
            wasyncore.loop(timeout=LOOP_SECONDS, map=socket_map, count=1)
        wasyncore.dispatcher.close(self._server)  # the listening socket; answers still flush
        unanswered = self._unanswered()
        log.info("stopping: no new connections; answering %d requests already received", unanswered)
        deadline = time.monotonic() + patience
        while unanswered and time.monotonic() < deadline:
            wasyncore.loop(timeout=LOOP_SECONDS, map=socket_map, count=1)
            unanswered = self._unanswered()
        if unanswered:
            log.warning("stopped with %d requests unanswered after %.0f s", unanswered, patience)
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(map=socket_map)

    def _unanswered(self) -> int:
        """Connections with a request being read, served, or answered but not yet sent."""
        return sum(
            1
            for channel in list(self._server._map.values())
            if isinstance(channel, HTTPChannel)
            and (channel.requests or channel.request is not None or channel.total_outbufs_len)
        )


class BackgroundServer:
    """Serve in a thread and stop cleanly; for benchmarks, tests and embedding."""

    def __init__(self, bot: Bot, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = HttpServer(bot, host=host, port=port)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._server.serve,
            args=(self._stop, BACKGROUND_STOP_PATIENCE_SECONDS),
            name="http",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=BACKGROUND_STOP_PATIENCE_SECONDS + 3)
