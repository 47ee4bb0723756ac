"""Before serving: Slack must answer and accept the tokens.

A token Slack refuses will not start working by waiting, so that ends the start with one line
saying which token and where to find a good one. A network failure (the container started before
its network, DNS not ready yet, Slack down) is waited out with a capped exponential backoff, so the
bot recovers on its own once Slack answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
REFUSED_TOKEN = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)
"""Slack's answers meaning this token will not work, however long we wait."""

Sleep = Callable[[float], bool]
"""Waits for the given seconds; True when the process was told to stop meanwhile."""


class TokenRefused(Exception):
    """Slack refused a token; `code` is Slack's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StoppedWaiting(Exception):
    """The process was told to stop while waiting for Slack."""


@dataclass(frozen=True)
class Backoff:
    """1, 2, 4 … seconds between attempts, never more than `cap`."""

    cap: float = 60.0
    first: float = FIRST_RETRY_SECONDS

    def delays(self) -> Iterator[float]:
        delay = min(self.first, self.cap)
        while True:
            yield delay
            delay = min(delay * 2, self.cap)


def check_bot_token(token: str, base_url: str, backoff: Backoff, sleep: Sleep) -> None:
    client = WebClient(token=token, base_url=base_url, timeout=10)
    wait_for_slack(client.auth_test, base_url, backoff, sleep)


def check_app_token(token: str, base_url: str, backoff: Backoff, sleep: Sleep) -> None:
    """Socket Mode's first call; the URL it returns is single-use and simply left to expire."""
    client = WebClient(base_url=base_url, timeout=10)
    wait_for_slack(lambda: client.apps_connections_open(app_token=token), base_url, backoff, sleep)


def wait_for_slack(call: Callable[[], object], base_url: str, backoff: Backoff, sleep: Sleep) -> None:
    """Make `call` until Slack answers it; raise TokenRefused when Slack refuses the token."""
    for failures, delay in enumerate(backoff.delays()):
        try:
            call()
        except SlackApiError as error:
            code = str(error.response.get("error") or f"HTTP {error.response.status_code}")
            if code in REFUSED_TOKEN:
                raise TokenRefused(code) from None
            reason = code  # Slack answered, but not yet usefully (5xx, rate limited): wait too
        except (SlackClientError, URLError, OSError) as error:
            reason = _describe(error)
        else:
            if failures:
                log.info("Slack answered at %s after %d failed attempts", base_url, failures)
            return
        log.warning("Slack not reachable at %s (%s); retrying in %g s", base_url, reason, delay)
        if sleep(delay):
            raise StoppedWaiting


def _describe(error: Exception) -> str:
    reason = error.reason if isinstance(error, URLError) else error
    return str(reason) or type(reason).__name__
