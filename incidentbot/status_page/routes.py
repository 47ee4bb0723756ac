"""`/status/…` on the bot's HTTP server: the page, its JSON and its feeds, read-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from incidentbot.status_page import files
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


def handles(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def serve(page: StatusPage, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    method = environ.get("REQUEST_METHOD", "GET")
    path = str(environ.get("PATH_INFO", ""))
    if method not in ("GET", "HEAD"):
        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")])
        return [b"the status page is read-only: GET or HEAD\n"]
    if path == PREFIX:
        start_response("301 Moved Permanently", [("Location", PREFIX + "/")])
        return [b""]
    found = page.file(path.removeprefix(PREFIX + "/"))
    if found is None:
        start_response("404 Not Found", [("Content-Type", files.HTML), *SECURITY_HEADERS])
        return [NOT_FOUND]
    headers = [
        ("Content-Type", found.content_type),
        ("Content-Length", str(len(found.body))),
        ("Cache-Control", "public, max-age=10"),
        ("Access-Control-Allow-Origin", "*"),
        *SECURITY_HEADERS,
    ]
    start_response("200 OK", headers)
    return [b"" if method == "HEAD" else found.body]
