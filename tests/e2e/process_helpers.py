"""Steps for tests against real bot processes: the database read directly, and seeded due nags."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from tests.e2e.helpers import declare_state, wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.seeding import Seeded, seed_due_incidents
from tests.support.signing import SlackClientForTests


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as db:
        return [tuple(row) for row in db.execute(text(sql), params)]


def declare_ready(engine: Engine, client: SlackClientForTests, title: str) -> tuple[int, str]:
    """Declare through the modal on one replica; the incident's id and channel once set up."""
    response = client.submit("declare_incident", declare_state(title=title, comms="U002"))
    assert response.status == 200, response.body

    def ready() -> tuple[int, str] | None:
        found = rows(
            engine, "SELECT id, channel_id FROM incidents WHERE title = :t AND setup_state = 'ready'", t=title
        )
        return (int(found[0][0]), str(found[0][1])) if found else None

    return wait_until(ready, timeout=20)


def message_ts(seconds_ago: float) -> str:
    """A Slack ts a little in the past of the real clock, which the bot processes use."""
    return f"{time.time() - seconds_ago:.6f}"


def pin(channel: str, ts: str, user: str = "U003") -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": "pushpin",
        "item": {"type": "message", "channel": channel, "ts": ts},
        "item_user": "U002",
        "event_ts": f"{time.time():.6f}",
    }


def seed_overdue_nags(url: str, slack: FakeSlack, count: int) -> list[Seeded]:
    """`count` open incidents whose promised update was due ten minutes ago: each nag is due now.

    Written straight into the shared database, as `bench/nag_timeliness.py` does, so no test waits
    for the real clock the bot processes run on.
    """
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    due = now - timedelta(minutes=10)
    seeded = seed_due_incidents(SqlStore(engine), [due] * count, declared_at=now - timedelta(hours=1))
    engine.dispose()
    for item in seeded:
        slack.add_user(item.comms, item.comms.lower())
    return seeded


def nag_dms(slack: FakeSlack, seeded: list[Seeded]) -> Counter[str]:
    """Nag DMs Slack accepted, per communications lead (each seeded incident has its own)."""
    leads = {item.comms for item in seeded}
    return Counter(
        str(c.args["channel"]) for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] in leads
    )


def nag_states(engine: Engine) -> Counter[str]:
    return Counter(str(r[0]) for r in rows(engine, "SELECT state FROM reminders WHERE kind = 'nag'"))


def timeline_kinds(engine: Engine, kind: str) -> Counter[int]:
    """Entries of one kind per incident."""
    found = rows(engine, "SELECT incident_id FROM timeline_events WHERE kind = :k", k=kind)
    return Counter(int(r[0]) for r in found)
