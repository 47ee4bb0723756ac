"""One HTTP POST to a receiver, with the standard library: 5 s timeout, no redirect followed."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

TIMEOUT_SECONDS = 5.0
"""For the connection and for each read: a receiver that hangs costs one worker this long."""


@dataclass(frozen=True)
class Answer:
    """What the receiver said: its status, or why it said nothing."""

    status: int | None
    error: str | None = None
    retry_after: float | None = None
    """Seconds, from a 429's or 503's `Retry-After`."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx comes back as the answer: following it could send the signed body somewhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(status=response.status)
    except urllib.error.HTTPError as refused:
        with refused:
            return Answer(
                status=refused.code,
                error=_refusal(refused),
                retry_after=_retry_after(refused.headers.get("Retry-After")),
            )
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Answer(status=None, error=f"{type(reason).__name__}: {reason}"[:500])


def _refusal(refused: urllib.error.HTTPError) -> str:
    if 300 <= refused.code < 400:
        return f"redirect to {refused.headers.get('Location', '?')} not followed"
    return f"HTTP {refused.code} {refused.reason}"[:500]


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds or as an HTTP date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
