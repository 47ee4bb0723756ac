"""Driving the webhook deliveries in tests: every round of the dispatcher on the test's clock."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import text

from tests.support.harness import RunningBot
from tests.webhooks.receiver import Received


def deliver_all(running: RunningBot, rounds: int = 30) -> None:
    """Run the dispatcher, moving the clock past each backoff, until nothing is pending."""
    dispatcher = running.bot.webhooks
    assert dispatcher is not None
    for _ in range(rounds):
        dispatcher.run_due(parallel=2)
        if not pending(running):
            return
        running.clock.advance(timedelta(hours=1))
    raise AssertionError("webhook deliveries still pending")


def pending(running: RunningBot) -> int:
    with running.bot.engine.connect() as db:
        count = db.execute(text("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'"))
        return int(count.scalar_one())


def states(running: RunningBot) -> list[tuple[str, str, int | None]]:
    with running.bot.engine.connect() as db:
        rows = db.execute(
            text("SELECT event_type, state, last_status FROM webhook_deliveries ORDER BY id")
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def verified(got: Received, secret: str) -> bool:
    fields = dict(part.split("=", 1) for part in got.headers["X-Incidentbot-Signature"].split(","))
    signed = fields["t"].encode() + b"." + got.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def first_receipts(received: list[Received]) -> list[tuple[str, str]]:
    """(type, id) of each event the first time it was taken, in order: what a deduping receiver keeps."""
    seen: dict[str, str] = {}
    for got in received:
        seen.setdefault(got.payload["id"], got.payload["type"])
    return [(kind, event_id) for event_id, kind in seen.items()]
