"""How the page is served: validators, kept-alive and pipelined connections, many readers at once."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from incidentbot.clock import ManualClock
from incidentbot.server import CONNECTION_LIMIT, SERVER_THREADS
from tests.status_page.helpers import team_with_page
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

SUMMARY = "/status/api/v2/summary.json"


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    with running_bot(slack, database_url, clock, team_with_page()) as bot:
        yield bot


def port_of(running: RunningBot) -> int:
    return int(running.base_url.rsplit(":", 1)[1])


def connect(running: RunningBot) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port_of(running), timeout=10)


def read(connection: http.client.HTTPConnection, path: str, **headers: str) -> http.client.HTTPResponse:
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    answer.read()
    return answer


def raw_exchange(running: RunningBot, sent: bytes) -> bytes:
    """Send `sent` in one write; everything the server answers until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port_of(running)), timeout=10) as raw:
        raw.sendall(sent)
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
        return received


def test_a_reader_with_the_current_copy_gets_304_without_the_body(team: RunningBot) -> None:
    connection = connect(team)
    first = read(connection, SUMMARY)
    etag = first.getheader("ETag")
    assert first.status == 200 and etag and etag.startswith('"')
    assert read(connection, SUMMARY).getheader("ETag") == etag, "the same document, the same tag"
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        connection.request("GET", SUMMARY, headers={"If-None-Match": sent})
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (304, b""), sent
        assert answer.getheader("ETag") == etag and answer.getheader("Cache-Control")
    stale = read(connection, SUMMARY, **{"If-None-Match": '"something-else"'})
    assert stale.status == 200


def test_each_file_has_its_own_tag_and_head_gives_the_headers_alone(team: RunningBot) -> None:
    connection = connect(team)
    tags = {read(connection, path).getheader("ETag") for path in (SUMMARY, "/status/", "/status/history.rss")}
    assert len(tags) == 3
    full = read(connection, "/status/history.rss")
    connection.request("HEAD", "/status/history.rss")
    head = connection.getresponse()
    assert head.read() == b"" and head.status == 200
    assert head.getheader("Content-Length") == full.getheader("Content-Length") != "0"


def test_pipelined_requests_are_answered_in_order(team: RunningBot) -> None:
    read(connect(team), SUMMARY)  # rendered: answered at once from now on
    sent = (
        b"GET /status/api/v2/summary.json HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"  # served by a thread, between two answered at once
        b"GET /status/api/v2/status.json HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /status/api/v2/summary.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        b"GET /status/api/v2/status.json HTTP/1.1\r\nHost: x\r\n\r\n"  # after the close: not answered
    )
    answers = raw_exchange(team, sent).split(b"HTTP/1.1 ")[1:]
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"200 OK"] * 4
    bodies = [a.split(b"\r\n\r\n", 1)[1] for a in answers]
    assert b'"components"' in bodies[0] and bodies[1] == b"ok\n"
    assert b'"indicator"' in bodies[2] and b'"components"' not in bodies[2]
    assert b'"components"' in bodies[3] and b"Connection: close" in answers[3]


def test_http_1_0_readers_are_answered_and_closed_unless_they_keep_alive(team: RunningBot) -> None:
    read(connect(team), SUMMARY)
    closed = raw_exchange(team, b"GET /status/api/v2/summary.json HTTP/1.0\r\n\r\n")
    assert closed.startswith(b"HTTP/1.0 200 OK") and b"Connection: close" in closed
    kept = raw_exchange(
        team,
        b"GET /status/api/v2/status.json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        b"GET /status/api/v2/status.json HTTP/1.0\r\n\r\n",
    )
    assert kept.count(b"HTTP/1.0 200 OK") == 2 and b"Connection: Keep-Alive" in kept


def test_more_readers_than_waitress_lets_in_by_default_are_all_answered(team: RunningBot) -> None:
    readers = 150  # waitress's own limit is 100 connections, its listening sockets included
    assert readers < CONNECTION_LIMIT
    connections = [connect(team) for _ in range(readers)]
    for connection in connections:
        connection.connect()
    statuses = [read(connection, SUMMARY).status for connection in connections]
    assert statuses == [200] * readers
    for connection in connections:
        connection.close()


def test_a_rendered_file_is_answered_while_every_server_thread_is_busy(team: RunningBot) -> None:
    page = team.bot.deps.status_page
    assert page is not None
    read(connect(team), SUMMARY)
    blocked: list[int] = []

    def wait_in_a_thread(path: str) -> None:
        blocked.append(read(connect(team), path).status)

    lock = page._cache._lock
    with lock:  # a reload in progress: requests that need the cache wait, each in a server thread
        waiting = [
            threading.Thread(target=wait_in_a_thread, args=(f"/status/incidents/x{n}.html",), daemon=True)
            for n in range(SERVER_THREADS + 4)
        ]
        for thread in waiting:
            thread.start()
        time.sleep(0.3)
        assert blocked == [], "every thread waits for the cache"
        began = time.monotonic()
        assert read(connect(team), SUMMARY).status == 200
        assert time.monotonic() - began < 5
    for thread in waiting:
        thread.join(timeout=10)
    assert blocked == [404] * (SERVER_THREADS + 4)
