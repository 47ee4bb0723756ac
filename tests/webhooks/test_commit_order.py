"""Two changes to one incident committed at once reach a receiver in the order they were made."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from incidentbot.incident.events import TimelineEntryAdded
from incidentbot.kernel.commands import unit_of_work
from tests.e2e.helpers import declare, wait_until
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all


def _note(hooks: Hooks, incident_id: int, words: str) -> None:
    services = hooks.running.services
    with services.store.transaction() as tx:
        added = TimelineEntryAdded(incident_id, entry_id=0, kind="note", text=words)
        unit_of_work(services, tx, services.clock.now()).announce(added)


def _waiting_on_a_lock(hooks: Hooks) -> bool:
    with hooks.running.bot.engine.connect() as db:
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        return int(db.execute(text(query)).scalar_one()) > 0


def test_a_later_note_committed_first_waits_for_the_earlier_one(hooks: Hooks, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writing transaction at a time")
    running = hooks.running
    incident = declare(running)
    deliver_all(running)
    services = running.services
    second = threading.Thread(target=_note, args=(hooks, incident.id, "second"))
    with services.store.transaction() as tx:
        added = TimelineEntryAdded(incident.id, entry_id=0, kind="note", text="first")
        unit_of_work(services, tx, services.clock.now()).announce(added)
        second.start()
        wait_until(lambda: not second.is_alive() or _waiting_on_a_lock(hooks))
        running.bot.webhooks.run_due(parallel=2)  # type: ignore[union-attr]
    second.join()
    deliver_all(running)

    texts = [
        got.payload["data"]["text"]
        for got in hooks.public.accepted
        if got.payload["type"] == "timeline.entry_added"
    ]
    assert texts == ["first", "second"]
