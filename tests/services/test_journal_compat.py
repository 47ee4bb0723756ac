"""Journal rows written by earlier versions, before their requests became typed commands, still
replay: each is inserted here exactly as that code wrote it, and the scheduler applies it, on
SQLite, PostgreSQL and the in-memory store (the store contract's fixtures)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import EventKind, Incident, Severity, Status
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox_kinds import CALLER_FIRST
from incidentbot.kernel.ports import ChannelMessage, Store
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.store.sql import SqlStore
from incidentbot.store.tables import reminders
from tests.store.contract.conftest import migrated_postgres, migrated_sqlite_file, store
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.units import applied

__all__ = ["migrated_postgres", "migrated_sqlite_file", "store"]
"""`store` is SQLite, PostgreSQL and the in-memory store in turn; `services` is built on it."""

TS = "1767268680.000100"  # 2026-01-01 11:58:00.0001 UTC


def _incident(services: Services) -> Incident:
    asked = declaration(title="Checkout failing", severity=Severity.SEV2, impact="Checkout fails")
    return declare.set_up(services, applied(services, declare.DECLARE, asked).id)


def _written_by_earlier_code(services: Services, kind: str, payload: str) -> Reminder:
    """A journal row as `journal.accept` left it, its caller gone before applying it."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        return tx.add_request_row(kind, payload, now, now + CALLER_FIRST, "a-process-since-killed")


def _replayed(services: Services) -> None:
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(CALLER_FIRST + timedelta(seconds=1))
    fire_due(services, "scheduler")


def _events(store: Store, incident_id: int, kind: EventKind) -> list[str]:
    with store.transaction() as tx:
        return [e.text for e in tx.events(incident_id) if e.kind is kind]


def _state(store: Store, row: Reminder) -> ReminderState:
    """The journal row's state, read from the store itself."""
    if isinstance(store, MemoryStore):
        return store.reminder_rows[row.id].state
    assert isinstance(store, SqlStore)
    with store.engine.connect() as db:
        return ReminderState(
            db.execute(select(reminders.c.state).where(reminders.c.id == row.id)).scalar_one()
        )


def test_a_severity_change_journalled_as_a_change_request_is_applied_once_as_of_when_it_was_asked(
    services: Services, store: Store
) -> None:
    incident = _incident(services)
    asked_at = services.clock.now()
    payload = (
        f'{{"channel_id":"{incident.channel_id}","user_id":"U001","severity":1,'
        '"status":null,"confirmed":false,"question_url":null}'
    )
    row = _written_by_earlier_code(services, "apply_change", payload)
    _replayed(services)
    _replayed(services)
    assert services.view_of(incident.id).incident.severity is Severity.SEV1
    with store.transaction() as tx:
        (event,) = [e for e in tx.events(incident.id) if e.kind is EventKind.SEVERITY_CHANGED]
    assert (event.text, event.occurred_at, event.actor_id) == (
        "Severity changed from SEV-2 to SEV-1",
        asked_at,
        "U001",
    )
    assert _state(store, row) is ReminderState.DONE


def test_a_status_change_journalled_as_a_change_request_is_applied_once(
    services: Services, store: Store
) -> None:
    incident = _incident(services)
    payload = (
        f'{{"channel_id":"{incident.channel_id}","user_id":"U001","severity":null,'
        '"status":"identified","confirmed":false,"question_url":null}'
    )
    row = _written_by_earlier_code(services, "apply_change", payload)
    _replayed(services)
    _replayed(services)
    assert services.view_of(incident.id).incident.status is Status.IDENTIFIED
    assert _events(store, incident.id, EventKind.STATUS_CHANGED) == [
        "Status changed from investigating to identified"
    ]
    assert _state(store, row) is ReminderState.DONE


def test_a_mark_journalled_as_a_mark_request_is_recorded_once_and_its_message_captured(
    services: Services, store: Store, workspace: RecordingWorkspace
) -> None:
    incident = _incident(services)
    assert incident.channel_id
    marked_at = services.clock.now()
    workspace.messages[(incident.channel_id, TS)] = ChannelMessage(
        ts=TS, text="Failover started", author_id="U003", author_name="carol"
    )
    payload = (
        f'{{"channel_id":"{incident.channel_id}","ts":"{TS}","reactor":"U002",'
        '"item_user":"U003","event_id":"EvOld1"}'
    )
    row = _written_by_earlier_code(services, "apply_mark", payload)
    _replayed(services)
    _replayed(services)
    with store.transaction() as tx:
        entry = tx.event_for_message(incident.id, TS)
    assert entry is not None
    assert (entry.text, entry.actor_id, entry.recorded_at) == ("Failover started", "U003", marked_at)
    with store.transaction() as tx:
        assert [e.message_ts for e in tx.events(incident.id) if e.source == "reaction"] == [TS]
    assert _state(store, row) is ReminderState.DONE
    assert workspace.names().count("mark_captured") == 1
