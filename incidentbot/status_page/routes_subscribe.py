"""`/status/subscribe`, `/status/subscribe/confirm` and `/status/unsubscribe` on the bot's server.

Plain HTML forms and links, no script: every answer is a page saying what happened and what to
do next, and malformed input is a 4xx naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from incidentbot.status_page import rate_limit
from incidentbot.status_page.notify import Answer, Subscriptions
from incidentbot.status_page.routes import PREFIX, SECURITY_HEADERS

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

SUBSCRIBE = PREFIX + "/subscribe"
CONFIRM = PREFIX + "/subscribe/confirm"
UNSUBSCRIBE = PREFIX + "/unsubscribe"
MAX_BODY = 32 * 1024
"""Room for every field at its limit; a larger body is refused unread."""
MAX_FIELDS = 200
FORM = "application/x-www-form-urlencoded"


def handles(path: str) -> bool:
    return path in (SUBSCRIBE, CONFIRM, UNSUBSCRIBE)


def serve(
    subscriptions: Subscriptions, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    answer = _answer(subscriptions, environ)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), *SECURITY_HEADERS]
    if answer.status == 429:
        headers.append(("Retry-After", str(rate_limit.minutes_left() * 60)))
    start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", headers)
    return _Body(answer)


class _Body:
    """The answer's bytes; once the server has written them it calls `close` (PEP 3333), which
    starts what the answer owes (`Answer.after`): the reader is answered before any mail is sent."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    def __iter__(self) -> Iterator[bytes]:
        yield self.answer.body

    def close(self) -> None:
        if self.answer.after is not None:
            self.answer.after()


def _answer(subscriptions: Subscriptions, environ: WSGIEnvironment) -> Answer:
    site = subscriptions.site
    path, method = str(environ.get("PATH_INFO", "")), str(environ.get("REQUEST_METHOD", "GET"))
    query = _parse(str(environ.get("QUERY_STRING", "")))
    if query is None:
        return Answer(400, site.page("refused", field="link", problem="is not a link this page sent"))
    if method == "GET" and path == CONFIRM:
        return subscriptions.confirm(_first(query, "token"))
    if method == "GET" and path == UNSUBSCRIBE:
        return subscriptions.ask_to_unsubscribe(_first(query, "token"))
    if method != "POST" or path == CONFIRM:
        return Answer(405, site.page("refused", field="method", problem="must be a submission of the form"))
    fields = _form(subscriptions, environ)
    if isinstance(fields, Answer):
        return fields
    if path == UNSUBSCRIBE:
        # RFC 8058's one-click POST carries the token in the URL; the page's button, in the body.
        return subscriptions.unsubscribe(_first(query, "token") or _first(fields, "token"))
    return subscriptions.subscribe(fields, str(environ.get("REMOTE_ADDR", "")))


def _form(subscriptions: Subscriptions, environ: WSGIEnvironment) -> dict[str, list[str]] | Answer:
    site = subscriptions.site
    length_text = str(environ.get("CONTENT_LENGTH", "") or "0")
    length = int(length_text) if length_text.isdigit() else -1
    if length < 0 or length > MAX_BODY:
        return Answer(413, site.page("refused", field="form", problem=f"is larger than {MAX_BODY} bytes"))
    content_type = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
    if length and content_type != FORM:
        return Answer(415, site.page("refused", field="form", problem=f"must be sent as {FORM}"))
    body = environ["wsgi.input"].read(length) if length else b""
    try:
        parsed = _parse(body.decode("utf-8"))
    except UnicodeDecodeError:
        parsed = None
    if parsed is None:
        return Answer(
            400, site.page("refused", field="form", problem="could not be read as UTF-8 form fields")
        )
    return parsed


def _parse(text: str) -> dict[str, list[str]] | None:
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name, [])
    return values[0] if values else ""
