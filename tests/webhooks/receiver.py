"""A local webhook receiver that answers as it is told: 200 by default, or a scripted failure."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG = -1
"""A scripted answer: hold the request longer than the bot waits, then answer 200."""


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)
    """When it arrived (the epoch's seconds), for the benchmark's lateness."""

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    def __init__(self, hang_seconds: float = 1.0) -> None:
        self.received: list[Received] = []
        self.accepted: list[Received] = []
        """Requests answered 2xx: what the receiver took."""
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._hang_seconds = hang_seconds
        self.down: int | None = None
        """While set, every request is answered with this status (after the script)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer_next(self, *answers: Answer | int) -> None:
        """Answer the next requests so, in turn; then 200 again."""
        with self._lock:
            self._script.extend(a if isinstance(a, Answer) else Answer(a) for a in answers)

    def _next(self) -> Answer:
        with self._lock:
            if self._script:
                return self._script.popleft()
            return Answer(self.down) if self.down is not None else Answer(200)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                got = Received(self.path, dict(self.headers.items()), body)
                answer = receiver._next()
                with receiver._lock:
                    receiver.received.append(got)
                if answer.status == HANG:
                    time.sleep(receiver._hang_seconds)
                    answer = Answer(200)
                elif 200 <= answer.status < 300:
                    with receiver._lock:
                        receiver.accepted.append(got)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        return Handler
