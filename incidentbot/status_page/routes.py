"""`/status/…` on the bot's HTTP server: the page, its JSON and its feeds, read-only.

A status page is read hardest when something is wrong, by many readers polling at once. Each
rendered file is answered from bytes prepared once (headers, a strong `ETag`), and a reader that
already has it (`If-None-Match`) gets a `304` without the body. A text file also has a gzip copy,
prepared once too, for readers that take it (`encoding.py`): its own strong `ETag`, and
`Vary: Accept-Encoding` on every answer of such a file. `answer_at_once` is what the server
answers without handing the request to a thread: only a file already rendered and current.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from incidentbot.status_page import encoding, files
from incidentbot.status_page.render_site import StatusPage

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

PREFIX = "/status"
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    # No script runs on the page, whatever text reached it; images only for the configured logo.
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src https: http:; base-uri 'none'",
    ),
    ("Referrer-Policy", "no-referrer"),
]
NOT_FOUND = b"<!DOCTYPE html><html lang=en><title>Not found</title><main><h1>Not found</h1>" + (
    b'<p>There is no such page. <a href="/status/">Current status</a></p></main></html>'
)
READ = ("GET", "HEAD")


@dataclass(frozen=True)
class Answer:
    """A complete answer: status, headers and body, with the header lines as they go on the wire."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    header_lines: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lines = b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in self.headers)
        object.__setattr__(self, "header_lines", lines)  # frozen: set once, here


@dataclass(frozen=True)
class _Variant:
    """One representation of a file and its three answers: GET, HEAD, and 304 Not Modified."""

    etag: str
    ok: Answer
    head: Answer
    not_modified: Answer


@dataclass(frozen=True)
class _Served:
    """A file as it is, and its gzip copy when it has one."""

    plain: _Variant
    gzip: _Variant | None


@lru_cache(maxsize=256)
def _served(found: files.File) -> _Served:
    """Once per file (and version of the site): a file is the same object until the site changes."""
    tag = hashlib.sha256(found.body).hexdigest()[:32]
    packed = encoding.gzipped(found.body, found.content_type)
    if packed is None:
        return _Served(_variant(f'"{tag}"', found.content_type, found.body), None)
    plain = _variant(f'"{tag}"', found.content_type, found.body, varies=True)
    # Another representation, so another strong tag (RFC 9110 §8.8.3).
    gzipped = _variant(f'"{tag}-gzip"', found.content_type, packed, varies=True, coding="gzip")
    return _Served(plain, gzipped)


def _variant(
    etag: str, content_type: str, body: bytes, *, varies: bool = False, coding: str | None = None
) -> _Variant:
    common = (
        ("ETag", etag),
        ("Cache-Control", "public, max-age=10"),
        ("Access-Control-Allow-Origin", "*"),
        *((("Vary", "Accept-Encoding"),) if varies else ()),  # a 304 carries it too (RFC 9110 §15.4.5)
        *SECURITY_HEADERS,
    )
    full = (
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        *((("Content-Encoding", coding),) if coding else ()),
        *common,
    )
    return _Variant(
        etag,
        ok=Answer("200 OK", full, body),
        head=Answer("200 OK", full, b""),
        not_modified=Answer("304 Not Modified", common, b""),
    )


def handles(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer_at_once(
    page: StatusPage, method: str, path: str, if_none_match: str | None, accept_encoding: str | None = None
) -> Answer | None:
    """The answer when the file is rendered and current, else None: never waits, never renders."""
    if method not in READ or not path.startswith(PREFIX + "/"):
        return None
    found = page.rendered(path.removeprefix(PREFIX + "/"))
    return None if found is None else _answer_for(found, method, if_none_match, accept_encoding)


def answer(
    page: StatusPage, method: str, path: str, if_none_match: str | None, accept_encoding: str | None = None
) -> Answer:
    if method not in READ:
        return Answer(
            "405 Method Not Allowed",
            (("Allow", "GET, HEAD"), ("Content-Type", "text/plain")),
            b"the status page is read-only: GET or HEAD\n",
        )
    if path == PREFIX:
        return Answer("301 Moved Permanently", (("Location", PREFIX + "/"),), b"")
    found = page.file(path.removeprefix(PREFIX + "/"))
    if found is None:
        return Answer("404 Not Found", (("Content-Type", files.HTML), *SECURITY_HEADERS), NOT_FOUND)
    return _answer_for(found, method, if_none_match, accept_encoding)


def _answer_for(
    found: files.File, method: str, if_none_match: str | None, accept_encoding: str | None
) -> Answer:
    both = _served(found)
    served = both.gzip if both.gzip is not None and encoding.takes_gzip(accept_encoding) else both.plain
    if if_none_match is not None and _matches(if_none_match, served.etag):
        return served.not_modified
    return served.head if method == "HEAD" else served.ok


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison, which `If-None-Match` uses: `W/"x"` matches `"x"`."""
    if if_none_match == etag:
        return True
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def serve(page: StatusPage, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    found = answer(
        page,
        str(environ.get("REQUEST_METHOD", "GET")),
        str(environ.get("PATH_INFO", "")),
        environ.get("HTTP_IF_NONE_MATCH"),
        environ.get("HTTP_ACCEPT_ENCODING"),
    )
    start_response(found.status, list(found.headers))
    return [found.body]
