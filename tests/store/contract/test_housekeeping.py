"""What housekeeping may delete from the reminders table, the same in every store."""

from __future__ import annotations

from datetime import datetime

import pytest

from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import Store, Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from tests.store.contract.builders import MINUTE, NOW, Boom, declared

HOUR = 60 * MINUTE
LATER = NOW + 48 * HOUR
"""When the sweep runs: rows finished before `LATER - HOUR`, incidents resolved before it."""


def _resolved(store: Store, at: datetime, setup: SetupState = SetupState.READY) -> Incident:
    incident = declared(store)
    with store.transaction() as tx:
        return tx.save_incident(
            incident.model_copy(update={"status": Status.RESOLVED, "resolved_at": at, "setup_state": setup})
        )


def _row(
    tx: Transaction, incident: Incident, subject: int, state: ReminderState, at: datetime = NOW
) -> Reminder:
    row = tx.add_outbox_row(OutboxKind.SYNC_SUMMARY, incident.id, subject, at, at)
    [leased] = tx.claim_reminder_ids([row.id], "w1", at, at + MINUTE)
    if state is not ReminderState.PENDING:
        tx.finish_reminder(row.id, "w1", state, at)
    return leased


def _sweep(store: Store, limit: int = 100) -> int:
    with store.transaction() as tx:
        return tx.delete_finished_reminders(LATER - HOUR, LATER - HOUR, limit)


def _left(store: Store, incident: Incident) -> list[int]:
    with store.transaction() as tx:
        return [r.subject_id or 0 for r in tx.reminders(incident.id)]


def test_finished_rows_of_a_long_resolved_incident_go_and_pending_ones_stay(store: Store) -> None:
    incident = _resolved(store, NOW + HOUR)
    with store.transaction() as tx:
        _row(tx, incident, 1, ReminderState.DONE)
        _row(tx, incident, 2, ReminderState.CANCELLED)
        _row(tx, incident, 3, ReminderState.PENDING)
        _row(tx, incident, 4, ReminderState.DONE, LATER - HOUR)
    assert _sweep(store) == 2
    assert _left(store, incident) == [3, 4]
    assert _sweep(store) == 0


def test_rows_of_an_open_a_recently_resolved_or_a_half_set_up_incident_stay(store: Store) -> None:
    still_open = declared(store)
    recent = _resolved(store, LATER - HOUR)
    half_set_up = _resolved(store, NOW + HOUR, SetupState.FAILED)
    with store.transaction() as tx:
        for incident in (still_open, recent, half_set_up):
            _row(tx, incident, 1, ReminderState.DONE)
    assert _sweep(store) == 0
    assert [_left(store, i) for i in (still_open, recent, half_set_up)] == [[1], [1], [1]]


def test_a_finished_request_row_goes_once_every_time_it_records_is_old(store: Store) -> None:
    with store.transaction() as tx:
        old = tx.add_request_row("note", "{}", NOW, NOW)
        retried_late = tx.add_request_row("note", "{}", NOW, NOW)
        tx.claim_reminder_ids([old.id, retried_late.id], "w1", NOW, NOW + MINUTE)
        tx.finish_reminder(old.id, "w1", ReminderState.DONE, NOW)
        tx.renew_claim(retried_late.id, "w1", LATER)
        tx.finish_reminder(retried_late.id, "w1", ReminderState.DONE, NOW)
    assert _sweep(store) == 1
    with store.transaction() as tx:
        assert tx.claim_reminder_ids([old.id], "w2", LATER, LATER) == []


def test_a_sweep_deletes_at_most_its_limit(store: Store) -> None:
    incident = _resolved(store, NOW + HOUR)
    with store.transaction() as tx:
        for subject in range(5):
            _row(tx, incident, subject, ReminderState.DONE)
    assert [_sweep(store, 2), _sweep(store, 2), _sweep(store, 2)] == [2, 2, 1]
    assert _left(store, incident) == []


def test_a_failed_transaction_deletes_nothing(store: Store) -> None:
    incident = _resolved(store, NOW + HOUR)
    with store.transaction() as tx:
        _row(tx, incident, 1, ReminderState.DONE)
        tx.first_delivery("Ev001", NOW)
    with pytest.raises(Boom), store.transaction() as tx:
        assert tx.delete_finished_reminders(LATER, LATER, 10) == 1
        assert tx.delete_processed_events(LATER, 10) == 1
        raise Boom
    assert _left(store, incident) == [1]
    with store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW) is False
