"""The socket loop reads no further ahead than the threads can take, and loses nothing for it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import pytest
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel

from incidentbot.server import READ_AHEAD as SERVED_READ_AHEAD
from incidentbot.server import _Server

READ_AHEAD = 2
SENT = 6
release = threading.Event()


def slow_app(environ: dict[str, object], start_response: object) -> Iterable[bytes]:
    release.wait(10)
    start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
    return [b"answered\n"]


@pytest.fixture
def server() -> Iterator[_Server]:
    release.clear()
    served = serve(slow_app, read_ahead=READ_AHEAD)
    yield served
    stop(served)


def serve(app: Any, read_ahead: int = SERVED_READ_AHEAD, **adjusted: Any) -> _Server:
    """A server of `app` on one thread, its loop turned by the test itself."""
    adjustments = Adjustments(host="127.0.0.1", port=0, threads=1, asyncore_use_poll=True, **adjusted)
    return _Server(app, adjustments, lambda *asked: None, read_ahead=read_ahead)


def channels(server: _Server) -> list[HTTPChannel]:
    return [c for c in server._map.values() if isinstance(c, HTTPChannel)]


def port_of(server: _Server) -> int:
    return int(cast(Any, server).effective_port)


def turns(server: _Server, count: int) -> None:
    for _ in range(count):
        wasyncore.loop(timeout=0.05, use_poll=True, map=server._map, count=1)


def receive(
    server: _Server, client: socket.socket, until: Callable[[bytes], bool], received: bytes = b""
) -> bytes:
    """Turn the loop and read from `client` until what it received satisfies `until`."""
    client.settimeout(0.05)
    while not until(received):
        turns(server, 1)
        try:
            received += client.recv(1024 * 1024)
        except TimeoutError:
            continue
    return received


def stop(server: _Server) -> None:
    release.set()
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
    wasyncore.close_all(map=server._map)


def read_requests(server: _Server) -> int:
    """Requests the loop has read: one being served, and those waiting for a thread."""
    return sum(len(c.requests) for c in channels(server))


def test_requests_past_what_the_threads_can_take_wait_unread_then_are_all_answered(server: _Server) -> None:
    clients = [socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) for _ in range(SENT)]
    turns(server, 3)  # all accepted
    for client in clients:
        client.sendall(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
    turns(server, 10)
    assert read_requests(server) == 1 + READ_AHEAD, "one being served, READ_AHEAD waiting, the rest unread"
    assert len(server.task_dispatcher.queue) == READ_AHEAD

    release.set()
    answered: list[bytes] = []
    for client in clients:
        answered.append(receive(server, client, lambda got: got.endswith(b"answered\n")))
        client.close()
    assert all(a.startswith(b"HTTP/1.1 200 OK\r\n") for a in answered) and len(answered) == SENT


def writing_app(size: int) -> Any:
    """Writes `size` bytes through WSGI's `write`, then keeps its thread until `release`."""

    def app(environ: dict[str, object], start_response: Any) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(size + 5))])
        write(b"x" * size)
        release.wait(10)
        return [b"done\n"]

    return app


def test_a_connection_whose_thread_is_writing_is_not_polled_for_writing() -> None:
    """The loop no longer spins on a connection whose buffer the serving thread has locked."""
    release.clear()
    server = serve(writing_app(10))
    try:
        client = socket.create_connection(("127.0.0.1", port_of(server)), timeout=5)
        client.sendall(b"GET /w HTTP/1.1\r\nHost: a\r\n\r\n")
        while not any(c.requests for c in channels(server)):
            turns(server, 1)
        (channel,) = channels(server)
        with channel.outbuf_lock:  # as the serving thread holds it in the middle of `write_soon`
            channel.total_outbufs_len += 1
            assert channel.requests and not channel.writable()
            channel.total_outbufs_len -= 1
        release.set()
        received = receive(server, client, lambda got: got.endswith(b"done\n"))
        assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(b"x" * 10 + b"done\n")
        client.close()
    finally:
        stop(server)


def test_a_thread_waiting_for_its_buffer_to_drain_is_written_for_by_the_loop() -> None:
    """Past the high watermark the thread waits for the loop to write: the loop still does."""
    release.clear()
    size = 4 * 1024 * 1024  # more than the sockets hold, and 64 times the watermark below
    server = serve(writing_app(size), outbuf_high_watermark=64 * 1024)
    try:
        client = socket.create_connection(("127.0.0.1", port_of(server)), timeout=5)
        client.sendall(b"GET /w HTTP/1.1\r\nHost: a\r\n\r\n")
        # Everything the app wrote arrives while its thread is still inside the app.
        received = receive(server, client, lambda got: got.count(b"x") >= size)
        assert not release.is_set() and any(c.requests for c in channels(server))
        release.set()
        received = receive(server, client, lambda got: got.endswith(b"done\n"), received)
        assert received.startswith(b"HTTP/1.1 200 OK\r\n")
        client.close()
    finally:
        stop(server)
