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
from typing import TYPE_CHECKING, Any, cast

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher
from waitress.utilities import build_http_date

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
CONNECTION_LIMIT = 1000
"""Open connections at most (waitress's default is 100, its own sockets included): readers of
the status page keep theirs open, and a hundred of them must not shut Slack out."""
ACCEPT_AT_ONCE = 64
"""Connections accepted per turn of the socket loop (waitress takes one): a burst of readers
connecting together is let in together."""
READ_AHEAD = 8
"""Requests waiting for a thread, at most, before the socket loop stops reading more.

With 1,000 connections allowed (for the page's readers), a burst of 300 Slack requests was read
and parsed by the loop all at once, and that reading competed with the threads answering the
first ones: the first acknowledgements came later (docs/performance.md). A request not yet read
waits in its socket, as it did behind waitress's own limit of 100 connections; a few read ahead
let a thread that finishes start the next at once. 8 measured better than 32, and 32 better
than no limit."""
IDENT = "incidentbot"
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


AtOnce = Callable[[str, str, str | None, str | None], status_routes.Answer | None]
"""(method, path, If-None-Match, Accept-Encoding) → an answer ready now, or None: a thread serves it."""


def answers_at_once(bot: Bot) -> AtOnce:
    """What the socket loop answers itself: status page files already rendered and current."""
    page = bot.deps.status_page

    def at_once(
        method: str, path: str, if_none_match: str | None, accept_encoding: str | None
    ) -> status_routes.Answer | None:
        if page is None or (bot.subscriptions and routes_subscribe.handles(path)):
            return None
        return status_routes.answer_at_once(page, method, path, if_none_match, accept_encoding)

    return at_once


def make_server(bot: Bot, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server; `.effective_port` tells the port. Serve it with `HttpServer`."""
    adjustments = Adjustments(
        host=host,
        port=port,
        threads=SERVER_THREADS,
        ident=IDENT,
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=True,  # select() fails past 1,023 file descriptors
    )
    return _Server(wsgi_app(bot), adjustments, answers_at_once(bot))


class _Channel(HTTPChannel):
    """Waitress's connection, read only while the threads are not too far behind, and written by
    the loop only when the thread serving it is not writing it itself."""

    server: _Server

    def readable(self) -> bool:
        return bool(super().readable()) and not self.server.backlogged()

    def writable(self) -> bool:
        # While a thread serves this connection, it flushes what it writes itself (waitress's
        # `send_bytes` is 1). Asked to write too, the loop found the buffer locked by that thread
        # and came straight back, turn after turn, taking the interpreter from the very thread it
        # waited for: under a burst, hundreds of milliseconds of the loop's CPU
        # (docs/performance.md). The loop writes once the thread is done (it wakes the loop), or
        # when the thread waits for the buffer to drain below its high watermark.
        if self.requests and not self.will_close:
            return self.total_outbufs_len > self.adj.outbuf_high_watermark
        return bool(super().writable())

    def handle_read(self) -> None:
        # One turn of the loop reads every socket found ready; the threads may have fallen
        # behind since the turn began.
        if not self.server.backlogged():
            super().handle_read()


class _Server(TcpWSGIServer):
    """Waitress, answering what is ready without a thread, and taking bursts of connections.

    Handing a request to one of the threads and its answer back to the socket loop costs more
    than everything a rendered status page file needs: answered in the loop, a read takes half
    the server's CPU (docs/performance.md). A request `at_once` answers is written to the
    connection's buffer in the loop; anything else (Slack, alerts, a file to render, a database
    to ask) goes to the threads as before. Answers keep the order of a connection's requests:
    waitress calls `add_task` only when no earlier request of that connection is being served,
    and under its `requests_lock`.
    """

    _map: dict[int, Any]
    channel_class = _Channel

    def __init__(self, app: Any, adj: Adjustments, at_once: AtOnce, read_ahead: int = READ_AHEAD) -> None:
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(adj.threads)
        self._at_once = at_once
        self._read_ahead = read_ahead
        self._date = (0, b"")
        super().__init__(app, {}, dispatcher=dispatcher, adj=adj, sockinfo=cast(Any, adj.listen[0]))

    def backlogged(self) -> bool:
        """True while `read_ahead` requests or more wait for a thread: read no more for now.

        A thread that answers wakes the loop (waitress's trigger), which then reads again.
        """
        return len(self.task_dispatcher.queue) >= self._read_ahead

    def handle_accept(self) -> None:
        for _ in range(ACCEPT_AT_ONCE):
            before = len(self._map)
            super().handle_accept()
            if len(self._map) == before or len(self._map) >= self.adj.connection_limit:
                return  # nobody else waiting (or a socket that failed), or full

    def add_task(self, task: Any) -> None:
        channel: HTTPChannel = task
        requests: list[Any] = channel.requests  # type: ignore[assignment]
        while requests and not channel.close_when_flushed:
            raw = self._answer(requests[0])
            if raw is None:
                super().add_task(cast(Any, channel))  # a thread serves it, and the requests after it
                return
            closes = requests[0].connection_close
            with channel.outbuf_lock:
                channel.outbufs[-1].append(raw)
                channel.current_outbuf_count += len(raw)
                channel.total_outbufs_len += len(raw)
            requests.pop(0).close()
            if closes:
                channel.close_when_flushed = True
                for request in requests:
                    request.close()
                requests.clear()

    def _answer(self, request: Any) -> bytes | None:
        """The whole response to `request`, or None when a thread must serve it."""
        if request.error or request.chunked or request.content_length or request.expect_continue:
            return None
        if request.version not in ("1.0", "1.1"):
            return None
        headers = request.headers
        answer = self._at_once(
            request.command, request.path, headers.get("IF_NONE_MATCH"), headers.get("ACCEPT_ENCODING")
        )
        if answer is None:
            return None
        if request.connection_close:
            connection = b"Connection: close\r\n"
        else:
            connection = b"Connection: Keep-Alive\r\n" if request.version == "1.0" else b""
        return b"".join(
            (
                f"HTTP/{request.version} {answer.status}\r\n".encode("latin-1"),
                answer.header_lines,
                connection,
                self._date_and_server(),
                b"\r\n",
                answer.body,
            )
        )

    def _date_and_server(self) -> bytes:
        now = int(time.time())
        second, lines = self._date
        if second != now:
            lines = f"Date: {build_http_date(now)}\r\nServer: {IDENT}\r\n".encode("latin-1")
            self._date = (now, lines)
        return lines


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
            wasyncore.loop(timeout=LOOP_SECONDS, use_poll=True, map=socket_map, count=1)
        wasyncore.dispatcher.close(self._server)  # the listening socket; answers still flush
        unanswered = self._unanswered()
        log.info("stopping: no new connections; answering %d requests already received", unanswered)
        deadline = time.monotonic() + patience
        while unanswered and time.monotonic() < deadline:
            wasyncore.loop(timeout=LOOP_SECONDS, use_poll=True, map=socket_map, count=1)
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
