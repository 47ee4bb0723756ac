"""How often one client, or one address, may use the subscribe form: a sliding window per key.

The uses are kept in the database (`sql_form_uses.py`), so every replica counts the same ones
and a restart forgets none; here is only the rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
PER_ADDRESS = 3
"""Confirmation mails one address receives per window: enough to retry a lost one, not to flood."""
PER_CLIENT = 20


@dataclass(frozen=True)
class Limit:
    """One key's limit: `limit` uses per `WINDOW`."""

    key: str
    """What is counted, hashed (`key_of`): the table holds no address or client in the clear."""
    limit: int


def key_of(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def form_limits(client: str, address: str) -> list[Limit]:
    """The limits one submission of the form counts against, in a fixed order (their keys')."""
    limits = [
        Limit(key_of("client", client), PER_CLIENT),
        Limit(key_of("address", address.lower()), PER_ADDRESS),
    ]
    return sorted(limits, key=lambda limit: limit.key)


def recent(uses: Sequence[datetime], now: datetime, window: timedelta = WINDOW) -> list[datetime]:
    """The uses still inside the window that ends now, oldest first."""
    return sorted(used for used in uses if now - used < window)


def minutes_left(window: timedelta = WINDOW) -> int:
    """What a refused client is told to wait: a whole window, after which every use it counted is gone."""
    return int(window.total_seconds() // 60)
