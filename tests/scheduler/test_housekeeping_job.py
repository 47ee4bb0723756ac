"""The scheduler's housekeeping job, on a real bot and database, with the clock moved by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.cadence import commitments
from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.incident.policy import Policy
from incidentbot.kernel import outbox
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.scheduler import ReminderScheduler
from incidentbot.store.sql import SqlStore
from incidentbot.store.tables import processed_events
from incidentbot.wiring import build_registry
from tests.e2e.helpers import submit_declare, wait_until
from tests.support.harness import RunningBot
from tests.support.memory import MemoryStore, RecordingWorkspace

DAY = timedelta(days=1)


def _declare(running: RunningBot, number: int, **fields: Any) -> Incident:
    assert submit_declare(running, **fields).status == 200

    def settled() -> Incident | None:
        incident = running.incident(number)
        return incident if incident is not None and incident.setup_state is not SetupState.PENDING else None

    return wait_until(settled)


def _rows(running: RunningBot, incident_id: int) -> list[Reminder]:
    with running.services.store.transaction() as tx:
        return tx.reminders(incident_id)


def _event_ids(running: RunningBot) -> set[str]:
    store = running.services.store
    assert isinstance(store, SqlStore)
    with store.engine.connect() as db:
        return set(db.execute(select(processed_events.c.event_id)).scalars())


def _home_opened(running: RunningBot, event_id: str) -> None:
    event: dict[str, Any] = {"type": "app_home_opened", "user": "U001", "tab": "messages"}
    assert running.client.event(event, event_id=event_id).status == 200


def _nag(running: RunningBot) -> None:
    running.settle()  # what the bot's threads just did is recorded at the time it happened
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    running.settle()


def test_the_job_removes_old_finished_rows_and_keeps_what_is_owed_recent_or_needed(
    running: RunningBot,
) -> None:
    # Day 0: an incident is nagged, escalated and resolved.
    old = _declare(running, 1, comms="U002")
    _nag(running)
    running.clock.advance(timedelta(minutes=10))
    running.fire_due()
    changes.set_status(running.services, old.id, Status.RESOLVED, "U001")
    running.settle()
    assert {r.kind for r in _rows(running, old.id)} >= {"nag", "nag_notice", "escalation", "set_up"}
    _home_opened(running, "EvOld")

    # Another one's setup ended for good (every channel name taken), and it was resolved too.
    running.slack.inject("conversations.create", error="name_taken", times=None)
    stuck = _declare(running, 2)
    wait_until(
        lambda: all(r.kind != "set_up" or r.state is ReminderState.DONE for r in _rows(running, stuck.id))
    )
    running.slack.clear_faults()
    assert stuck.setup_state is SetupState.FAILED
    with running.services.store.transaction() as tx:
        # As resolving does it, without the channel notice it could not post.
        commitments.cancel_open(tx, stuck.id, running.clock.now())
        tx.save_incident(
            stuck.model_copy(update={"status": Status.RESOLVED, "resolved_at": running.clock.now()})
        )
    stuck_rows = _rows(running, stuck.id)
    assert [(r.kind, r.state) for r in stuck_rows] == [
        (OutboxKind.SET_UP, ReminderState.DONE),
        ("nag", ReminderState.CANCELLED),
    ]

    # Day 40: a new incident has been nagged; the old one owes a message that is not sent yet.
    running.clock.advance(40 * DAY)
    recent = _declare(running, 3, comms="U002")
    _nag(running)
    recent_rows = _rows(running, recent.id)
    assert ReminderState.DONE in {r.state for r in recent_rows}
    with running.services.store.transaction() as tx:
        owed = outbox.enqueue(tx, OutboxKind.SYNC_SUMMARY, old.id, old.id, running.clock.now())
    _home_opened(running, "EvRecent")

    scheduler = ReminderScheduler(
        running.services, interval_seconds=60, housekeeping_interval_seconds=0.2, worker_id="housekeeper"
    )
    scheduler.start()
    try:
        wait_until(lambda: [r.id for r in _rows(running, old.id)] == [owed.id])
        wait_until(lambda: "EvOld" not in _event_ids(running))
    finally:
        scheduler.stop()

    [left] = _rows(running, old.id)
    assert left.state is ReminderState.PENDING, "a message still owed is never removed"
    assert _rows(running, stuck.id) == stuck_rows, "an unfinished setup may run again: kept"
    assert _rows(running, recent.id) == recent_rows, "recent and open: kept"
    assert "EvRecent" in _event_ids(running), "within its retention"


def test_a_failed_sweep_is_logged_and_left_to_the_next_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    services = Services(store, RecordingWorkspace(), Policy(), ManualClock(), handlers=build_registry())

    def unreachable(*_: object) -> int:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(store, "delete_finished_reminders", unreachable)
    ReminderScheduler(services).housekeep()
    assert "housekeeping failed" in caplog.text
