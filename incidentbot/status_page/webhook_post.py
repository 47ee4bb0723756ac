"""POSTing one JSON document to a webhook: 5 s at most, redirects never followed.

`http.client` follows no redirect by itself; the connection checks the address it actually
reached before sending a byte (see `webhook_guard`).
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from incidentbot.status_page.webhook_guard import UnsafeWebhook, check_addresses

TIMEOUT_SECONDS = 5.0
USER_AGENT = "incidentbot-status-page"


class WebhookUnavailable(Exception):
    """No answer (timeout, refused connection) or a 5xx: tried again after a backoff."""


def post(url: str, payload: dict[str, Any], *, allow_private: bool) -> int:
    """The receiver's status code; WebhookUnavailable when there is none, UnsafeWebhook when the
    address reached is not public."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    kind = _GuardedHttps if parts.scheme == "https" else _GuardedHttp
    connection = kind(host, parts.port, timeout=TIMEOUT_SECONDS)
    connection.allow_private = allow_private
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    try:
        connection.request("POST", path, body, headers)
        status = connection.getresponse().status
    except UnsafeWebhook:
        raise
    except (OSError, http.client.HTTPException) as error:
        raise WebhookUnavailable(f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()
    if status >= 500:
        raise WebhookUnavailable(f"the receiver answered {status}")
    return status


def _check_peer(sock: socket.socket | None, allow_private: bool) -> None:
    if sock is not None and not allow_private:
        check_addresses([str(sock.getpeername()[0])])


class _GuardedHttp(http.client.HTTPConnection):
    allow_private = False

    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock, self.allow_private)


class _GuardedHttps(http.client.HTTPSConnection):
    allow_private = False

    def connect(self) -> None:
        # The plain connection first, checked, and only then TLS: nothing is sent before the check.
        http.client.HTTPConnection.connect(self)
        _check_peer(self.sock, self.allow_private)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)  # type: ignore[attr-defined]
