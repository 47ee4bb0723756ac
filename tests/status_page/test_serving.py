"""How the page is served: validators, kept-alive and pipelined connections, many readers at once."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.server import CONNECTION_LIMIT, SERVER_THREADS
from tests.e2e.helpers import declare
from tests.status_page.helpers import open_customer_form, published, submit_customer, team_with_page
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


INDEX = "/status/"
COMPRESSED = (SUMMARY, INDEX, "/status/history.html", "/status/history.atom", "/status/status.css")


Read = tuple[http.client.HTTPResponse, bytes]


def read_twice(running: RunningBot, path: str, **headers: str) -> list[Read]:
    """Two reads of `path`: one served by a thread (the page looks at the database first), then
    one answered at once from the file just rendered."""
    running.clock.advance(timedelta(seconds=2))  # past the recheck: the next read asks the database
    connection = connect(running)
    found = []
    for _ in range(2):
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        found.append((answer, answer.read()))
    return found


@pytest.mark.parametrize("path", COMPRESSED)
def test_a_reader_that_takes_gzip_gets_the_same_document_compressed(team: RunningBot, path: str) -> None:
    incident = declare(team)  # an incident to show, so that each file is large enough to compress
    assert not submit_customer(team, open_customer_form(team, incident.channel_id)).body
    published(team, incident.id)
    [(plain, document), _] = read_twice(team, path, **{"Accept-Encoding": "identity"})
    assert plain.getheader("Content-Encoding") is None and plain.getheader("Vary") == "Accept-Encoding"
    for packed, body in read_twice(team, path, **{"Accept-Encoding": "gzip, deflate, br, zstd"}):
        assert packed.status == 200 and packed.getheader("Content-Encoding") == "gzip"
        assert packed.getheader("Vary") == "Accept-Encoding"
        assert packed.getheader("Content-Length") == str(len(body))
        assert gzip.decompress(body) == document, "the same document"
        assert len(body) < len(document)
        assert packed.getheader("Content-Type") == plain.getheader("Content-Type")
        etag = packed.getheader("ETag")
        assert etag and etag.startswith('"') and etag != plain.getheader("ETag"), "its own strong tag"


@pytest.mark.parametrize(
    ("accepted", "compressed"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("deflate, gzip;q=1.0, *;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, identity", False),
        ("*;q=0, identity", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0.2, identity;q=0.8", False),
        ("gzip;q=high", False),
        ("gzip;q=2", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(team: RunningBot, accepted: str, compressed: bool) -> None:
    for answer, _ in read_twice(team, INDEX, **{"Accept-Encoding": accepted}):
        assert answer.status == 200, accepted
        assert (answer.getheader("Content-Encoding") == "gzip") is compressed, accepted
        assert answer.getheader("Vary") == "Accept-Encoding"


def test_a_request_without_accept_encoding_gets_the_file_as_it_is(team: RunningBot) -> None:
    read(connect(team), INDEX)  # rendered: answered at once
    sent = b"GET /status/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    head, body = raw_exchange(team, sent).split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK") and b"Content-Encoding" not in head
    assert b"Vary: Accept-Encoding" in head and body.startswith(b"<!DOCTYPE html>")


def test_head_gives_the_headers_of_the_compressed_answer(team: RunningBot) -> None:
    [(full, _), _] = read_twice(team, INDEX, **{"Accept-Encoding": "gzip"})
    connection = connect(team)
    for by_a_thread in (True, False):  # then answered at once, from the socket loop
        if by_a_thread:
            team.clock.advance(timedelta(seconds=2))  # past the recheck: the page asks the database
        connection.request("HEAD", INDEX, headers={"Accept-Encoding": "gzip"})
        head = connection.getresponse()
        assert head.read() == b"" and head.status == 200
        for name in ("Content-Length", "Content-Encoding", "ETag", "Vary", "Content-Type"):
            assert head.getheader(name) == full.getheader(name), name


def test_each_encoding_is_validated_by_its_own_tag(team: RunningBot) -> None:
    [(plain, _), _] = read_twice(team, INDEX, **{"Accept-Encoding": "identity"})
    [(packed, _), _] = read_twice(team, INDEX, **{"Accept-Encoding": "gzip"})
    plain_tag, packed_tag = plain.getheader("ETag"), packed.getheader("ETag")
    assert plain_tag and packed_tag and plain_tag != packed_tag
    cases = [
        ("gzip", packed_tag, 304, packed_tag),
        ("gzip", f"W/{packed_tag}", 304, packed_tag),
        ("gzip", plain_tag, 200, packed_tag),  # the copy it has is not the one it would get
        ("identity", packed_tag, 200, plain_tag),
        ("identity", plain_tag, 304, plain_tag),
        ("gzip", "*", 304, packed_tag),
    ]
    for accepted, sent, status, tag in cases:
        for answer, body in read_twice(team, INDEX, **{"Accept-Encoding": accepted, "If-None-Match": sent}):
            assert (answer.status, answer.getheader("ETag")) == (status, tag), (accepted, sent)
            assert answer.getheader("Vary") == "Accept-Encoding", (accepted, sent)
            assert (body == b"") is (status == 304), (accepted, sent)
            if status == 200:
                assert (answer.getheader("Content-Encoding") == "gzip") is (accepted == "gzip")


def test_a_small_file_goes_as_it_is(team: RunningBot) -> None:
    for answer, _ in read_twice(team, "/status/favicon.svg", **{"Accept-Encoding": "gzip"}):
        assert answer.status == 200 and answer.getheader("Content-Encoding") is None
        assert answer.getheader("Vary") is None, "the answer does not depend on the header"
