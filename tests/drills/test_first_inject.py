"""The inject due at the start of a drill follows the briefing from the thread that posted it.

It is written leased to that thread in the commit that starts the drill's clock, so from the moment
it exists the scheduler leaves it to that thread, and `RunningBot.settle` waits for its post.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.drills import deliver, kinds
from incidentbot.kernel import outbox
from incidentbot.kernel.outbox import CALLER_PREFIX
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import fire_due
from incidentbot.store.tables import reminders
from tests.drills.helpers import drill_run, injects_posted, open_form, submit_form
from tests.support.harness import RunningBot


def test_the_first_inject_is_leased_to_the_briefings_thread_from_the_commit_that_schedules_it(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stop the briefing's thread right after its commit, before it sends the inject due at once.
    committed, carry_on = threading.Event(), threading.Event()

    def send_now(services: Any, rows: Iterable[Reminder | None], worker: str | None = None) -> Any:
        rows = list(rows)
        if any(row is not None and row.kind == kinds.INJECT for row in rows):
            committed.set()
            carry_on.wait(timeout=10)
        return outbox.send_now(services, rows, worker)

    monkeypatch.setattr(deliver, "outbox", SimpleNamespace(send_now=send_now))
    response = submit_form(running, open_form(running))
    assert response.status == 200 and not response.body, response.body
    try:
        assert committed.wait(timeout=10), "the briefing's delivery did not start the clock"
        incident = running.incident(1)
        assert incident is not None and drill_run(running, incident.id).ends_at is not None
        due = select(reminders.c.state, reminders.c.claimed_by).where(
            reminders.c.kind == kinds.INJECT, reminders.c.due_at <= running.clock.now()
        )
        with running.bot.engine.connect() as db:
            [(state, claimed_by)] = db.execute(due).all()
        assert state == "pending"
        assert str(claimed_by).startswith(CALLER_PREFIX), "leased to the briefing's thread"
        report = fire_due(running.services, "scheduler")
        assert report.delivered == 0, "a scheduler's tick leaves it to the thread that owes it"
        assert injects_posted(running, incident.channel_id) == []
    finally:
        carry_on.set()
    running.settle()
    assert injects_posted(running, incident.channel_id) == [1]
    assert fire_due(running.services, "scheduler").delivered == 0, "posted once"
    assert injects_posted(running, incident.channel_id) == [1]
