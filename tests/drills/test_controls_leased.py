"""An inject a control brings forward (`/incident drill skip`, `/incident drill inject`) is written
leased to the thread applying the control, in the commit that records it: no scheduler takes it
between that commit and the thread's own send."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.drills import kinds
from incidentbot.kernel import commands, outbox
from incidentbot.kernel.outbox import CALLER_PREFIX
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import run_due
from incidentbot.store.tables import reminders
from tests.drills.helpers import injects_posted, start_drill
from tests.e2e.helpers import wait_until
from tests.support.harness import RunningBot


@pytest.mark.parametrize(
    ("control", "expected"), [("drill skip", [1, 8]), ("drill inject Legal asks about customer data", [1, 8])]
)
def test_an_inject_a_control_adds_is_leased_to_the_controls_thread_from_its_commit(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch, control: str, expected: list[int]
) -> None:
    incident = start_drill(running)
    channel = incident.channel_id
    assert injects_posted(running, channel) == [1]
    # Stop the control's thread right after its commit, before it sends the inject.
    committed, carry_on = threading.Event(), threading.Event()

    def hold(send: Any) -> Any:
        def held(services: Any, rows: Iterable[Reminder | None], worker: str | None = None) -> Any:
            rows = list(rows)
            if any(row is not None and row.kind == kinds.INJECT for row in rows):
                committed.set()
                carry_on.wait(timeout=10)
            return send(services, rows, worker)

        return held

    monkeypatch.setattr(
        commands,
        "outbox",
        SimpleNamespace(
            send_now=hold(outbox.send_now),
            send_or_explain=hold(outbox.send_or_explain),
            caller_worker=outbox.caller_worker,
        ),
    )
    response = running.client.command(control, channel_id=channel, user_id="U001")
    assert response.status == 200, response.body
    try:
        assert committed.wait(timeout=10), "the control was not applied"
        pending = select(reminders.c.claimed_by).where(
            reminders.c.kind == kinds.INJECT,
            reminders.c.state == "pending",
            reminders.c.due_at <= running.clock.now(),
        )
        with running.bot.engine.connect() as db:
            [(claimed_by,)] = db.execute(pending).all()
        assert str(claimed_by).startswith(CALLER_PREFIX), "leased to the control's thread"
        report = run_due(running.services, "scheduler", running.services.handlers, kinds={kinds.INJECT})
        assert report.delivered == 0, "a scheduler's tick leaves it to the thread that owes it"
        assert injects_posted(running, channel) == [1]
    finally:
        carry_on.set()
    wait_until(lambda: injects_posted(running, channel) == expected)
    running.settle()
    assert injects_posted(running, channel) == expected
