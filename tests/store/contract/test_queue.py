"""The leased queue (`kernel/queue_ports.py`) as every store keeps it: cadence reminders, outbox
rows, journalled requests, their leases, and what housekeeping may delete."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.cadence.ports import NewCommitment, NewReminder
from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import Store, Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderKind, ReminderState
from tests.store.contract.builders import MINUTE, NOW, Boom, declared

TICK = timedelta(microseconds=1)
"""The smallest step both databases keep."""
PUBLISH = OutboxKind.PUBLISH_UPDATE
PENDING, DONE, CANCELLED = ReminderState.PENDING, ReminderState.DONE, ReminderState.CANCELLED
SECOND = timedelta(seconds=1)
PAYLOAD = '{"channel_id": "C042", "words": "Rolled back"}'
HOUR = 60 * MINUTE
LATER = NOW + 48 * HOUR
"""When the sweep runs: rows finished before `LATER - HOUR`, incidents resolved before it."""


def _commitment_id(tx: Transaction, incident: Incident) -> int:
    new = NewCommitment(incident.id, NOW + 30 * MINUTE, "U002", NOW, CommitmentSource.UPDATE)
    return tx.add_commitment(new).id


def _nag(
    tx: Transaction,
    incident: Incident,
    due: datetime = NOW,
    *,
    commitment_id: int | None = None,
    not_before: datetime | None = None,
) -> Reminder:
    about = commitment_id or _commitment_id(tx, incident)
    added = tx.add_reminder(NewReminder(ReminderKind.NAG, due, incident.id, about, about, not_before))
    assert added is not None
    return added


def test_an_outbox_row_is_pending_for_its_subject_and_held_until_asked(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        held = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW + MINUTE)
        free = tx.add_outbox_row(OutboxKind.CAPTURE, incident.id, 7, NOW, NOW)
    assert (held.kind, held.incident_id, held.subject_id, held.commitment_id) == (
        PUBLISH,
        incident.id,
        7,
        None,
    )
    assert (held.due_at, held.state, held.claimed_by, held.claimed_until) == (
        NOW,
        PENDING,
        None,
        NOW + MINUTE,
    )
    assert (held.attempts, held.last_error, held.fired_at, held.payload) == (0, None, None, None)
    assert free.claimed_until is None, "a hold that is already over is no hold"
    with store.transaction() as tx:
        assert tx.outbox_rows(PUBLISH, 7) == [held]
        assert tx.outbox_rows(PUBLISH, 8) == []
        assert tx.reminders(incident.id) == [held, free]


def test_rows_for_one_subject_at_one_instant_are_stamped_one_after_another(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        first = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        second = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        earlier = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW - MINUTE, NOW)
        later = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW + MINUTE, NOW)
        other_subject = tx.add_outbox_row(PUBLISH, incident.id, 8, NOW, NOW)
        other_kind = tx.add_outbox_row(OutboxKind.CAPTURE, incident.id, 7, NOW, NOW)
        assert [r.due_at for r in (first, second, earlier, later)] == [
            NOW,
            NOW + TICK,
            NOW + 2 * TICK,
            NOW + MINUTE,
        ]
        assert (other_subject.due_at, other_kind.due_at) == (NOW, NOW)
        assert tx.outbox_rows(PUBLISH, 7) == [first, second, earlier, later]


def test_the_unstarted_row_is_the_oldest_pending_one_nobody_holds(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        assert tx.unstarted_outbox_row(PUBLISH, 7) is None
        first = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        second = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        third = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        assert tx.unstarted_outbox_row(PUBLISH, 7) == first
        tx.claim_reminder_ids([first.id], "w1", NOW, NOW + MINUTE)
        assert tx.unstarted_outbox_row(PUBLISH, 7) == second
        tx.claim_reminder_ids([second.id], "w1", NOW, NOW + MINUTE)
        tx.finish_reminder(second.id, "w1", DONE, NOW)
        assert tx.unstarted_outbox_row(PUBLISH, 7) == third
        assert tx.unstarted_outbox_row(PUBLISH, 8) is None


def test_rows_named_by_id_are_leased_whatever_their_time_unless_held(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        later = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW + 10 * MINUTE, NOW + 20 * MINUTE)
        held = tx.add_outbox_row(PUBLISH, incident.id, 8, NOW, NOW)
        done = tx.add_outbox_row(PUBLISH, incident.id, 9, NOW, NOW)
        assert tx.claim_reminder_ids([], "w1", NOW, NOW + MINUTE) == []
        assert [r.id for r in tx.claim_reminder_ids([held.id, done.id], "w2", NOW, NOW + MINUTE)] == [
            held.id,
            done.id,
        ]
        tx.finish_reminder(done.id, "w2", DONE, NOW)
        claimed = tx.claim_reminder_ids(
            [done.id, held.id, later.id, later.id, 10_000], "w1", NOW, NOW + MINUTE
        )
        assert claimed == [later.model_copy(update={"claimed_by": "w1", "claimed_until": NOW + MINUTE})]
        again = tx.claim_reminder_ids([held.id], "w1", NOW + MINUTE, NOW + 2 * MINUTE)
        assert [(r.id, r.claimed_by) for r in again] == [(held.id, "w1")], "an expired lease is free"


def test_outbox_rows_are_not_the_cadence_reminders_about_the_same_number(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        nag = _nag(tx, incident)
        assert nag.subject_id is not None
        assert tx.outbox_rows(ReminderKind.NAG, nag.subject_id) == []
        assert tx.unstarted_outbox_row(ReminderKind.NAG, nag.subject_id) is None
        row = tx.add_outbox_row(ReminderKind.NAG, incident.id, nag.subject_id, nag.due_at, NOW)
        assert row.due_at == nag.due_at, "a cadence reminder does not take an outbox row's instant"


def test_a_reminder_is_kept_once_per_kind_commitment_subject_and_time(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        commitment_id = _commitment_id(tx, incident)
        new = NewReminder(ReminderKind.NAG, NOW, incident.id, commitment_id, commitment_id)
        first = tx.add_reminder(new)
        assert tx.add_reminder(new) is None
        escalation = tx.add_reminder(
            NewReminder(ReminderKind.ESCALATION, NOW, incident.id, commitment_id, commitment_id)
        )
        later = tx.add_reminder(
            NewReminder(ReminderKind.NAG, NOW + MINUTE, incident.id, commitment_id, commitment_id)
        )
        assert first is not None and escalation is not None and later is not None
        assert tx.reminders(incident.id) == [first, escalation, later]
    assert (first.kind, first.commitment_id, first.subject_id, first.state) == (
        ReminderKind.NAG,
        commitment_id,
        commitment_id,
        PENDING,
    )


def test_a_reminder_without_a_commitment_is_kept_once_per_subject_and_time(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        new = NewReminder(ReminderKind.NAG_NOTICE, NOW, incident.id, None, 5)
        assert tx.add_reminder(new) is not None
        assert tx.add_reminder(new) is None
        assert tx.add_reminder(NewReminder(ReminderKind.NAG_NOTICE, NOW, incident.id, None, 6)) is not None


def test_a_reminder_not_to_be_taken_before_a_later_time_is_held_until_then(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        held = _nag(tx, incident, NOW, not_before=NOW + 5 * MINUTE)
        not_held = _nag(tx, incident, NOW, not_before=NOW - MINUTE)
        assert (held.claimed_until, not_held.claimed_until, held.claimed_by) == (NOW + 5 * MINUTE, None, None)
        assert tx.claim_reminders("w1", NOW + MINUTE, NOW + 9 * MINUTE, 10) == [
            not_held.model_copy(update={"claimed_by": "w1", "claimed_until": NOW + 9 * MINUTE})
        ]
        assert tx.claim_reminders("w2", NOW + 5 * MINUTE - TICK, NOW + 9 * MINUTE, 10) == []
        assert [r.id for r in tx.claim_reminders("w2", NOW + 5 * MINUTE, NOW + 9 * MINUTE, 10)] == [held.id]


def test_due_reminders_are_leased_oldest_first_up_to_a_limit(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        second = _nag(tx, incident, NOW - MINUTE)
        not_due = _nag(tx, incident, NOW + MINUTE)
        first = _nag(tx, incident, NOW - 2 * MINUTE)
        third = _nag(tx, incident, NOW)
        claimed = tx.claim_reminders("w1", NOW, NOW + 5 * MINUTE, 2)
        assert [r.id for r in claimed] == [first.id, second.id]
        assert {(r.claimed_by, r.claimed_until, r.state) for r in claimed} == {
            ("w1", NOW + 5 * MINUTE, PENDING)
        }
        assert [r.id for r in tx.claim_reminders("w2", NOW, NOW + 5 * MINUTE, 10)] == [third.id]
        leased_meanwhile = tx.claim_reminders("w2", NOW + 4 * MINUTE, NOW + 9 * MINUTE, 10)
        assert [r.id for r in leased_meanwhile] == [not_due.id], "the others are still leased"


def test_workers_draining_the_queue_at_once_never_share_a_row(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        commitment_id = _commitment_id(tx, incident)
        for index in range(40):
            _nag(tx, incident, NOW - index * TICK, commitment_id=commitment_id)

    def drain(worker: str) -> list[int]:
        taken: list[int] = []
        while True:
            with store.transaction() as tx:
                batch = tx.claim_reminders(worker, NOW, NOW + MINUTE, 3)
            if not batch:
                return taken
            taken.extend(r.id for r in batch)

    with ThreadPoolExecutor(4) as pool:
        taken = [row for rows in pool.map(drain, ["w1", "w2", "w3", "w4"]) for row in rows]
    assert len(taken) == len(set(taken)) == 40


def test_workers_asking_for_one_row_by_id_at_once_give_it_to_one(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        row = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW + MINUTE)

    def claim(worker: str) -> list[str]:
        with store.transaction() as tx:
            return [r.claimed_by or "" for r in tx.claim_reminder_ids([row.id], worker, NOW, NOW + MINUTE)]

    with ThreadPoolExecutor(4) as pool:
        winners = [who for found in pool.map(claim, [f"w{n}" for n in range(8)]) for who in found]
    assert len(winners) == 1


def test_a_lease_that_ran_out_is_taken_by_the_next_worker(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        nag = _nag(tx, incident)
        tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)
        assert tx.claim_reminders("w2", NOW + MINUTE - TICK, NOW + 2 * MINUTE, 10) == []
        assert [r.claimed_by for r in tx.claim_reminders("w2", NOW + MINUTE, NOW + 2 * MINUTE, 10)] == ["w2"]
        assert tx.renew_claim(nag.id, "w1", NOW + 3 * MINUTE) is False, "w1 lost it"
        assert tx.finish_reminder(nag.id, "w1", DONE, NOW) is False


def test_taking_over_a_lease_that_ran_out_counts_as_an_attempt(store: Store) -> None:
    """The worker whose lease ran out may have sent the message: the next one is told so."""
    incident = declared(store)
    with store.transaction() as tx:
        nag = _nag(tx, incident)
        row = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW + MINUTE, "caller:dead")
        assert [r.attempts for r in tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)] == [0]
        assert [r.attempts for r in tx.claim_reminders("w2", NOW + MINUTE, NOW + 2 * MINUTE, 10)] == [1, 1]
        assert [r.attempts for r in tx.claim_reminder_ids([nag.id, row.id], "w3", NOW + 2 * MINUTE, NOW)] == [
            2,
            2,
        ]


def test_a_claim_can_be_limited_to_some_kinds(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        publish = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW - MINUTE, NOW - MINUTE)
        nag = _nag(tx, incident)
        assert [r.id for r in tx.claim_reminders("timed", NOW, NOW + MINUTE, 10, [ReminderKind.NAG])] == [
            nag.id
        ]
        assert [r.id for r in tx.claim_reminders("any", NOW, NOW + MINUTE, 10)] == [publish.id]


def test_only_the_holder_renews_and_finishes_a_reminder_once(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        done, cancelled = _nag(tx, incident), _nag(tx, incident)
        tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)
        assert tx.renew_claim(done.id, "w1", NOW + 3 * MINUTE) is True
        assert tx.renew_claim(done.id, "w2", NOW + 9 * MINUTE) is False
        assert tx.finish_reminder(done.id, "w2", DONE, NOW) is False
        assert tx.finish_reminder(done.id, "w1", DONE, NOW + MINUTE) is True
        assert tx.finish_reminder(cancelled.id, "w1", CANCELLED, NOW + MINUTE) is True
        assert tx.finish_reminder(done.id, "w1", CANCELLED, NOW + 2 * MINUTE) is False
        assert tx.renew_claim(done.id, "w1", NOW + 9 * MINUTE) is False
        rows = {r.id: r for r in tx.reminders(incident.id)}
    assert (rows[done.id].state, rows[done.id].fired_at, rows[done.id].claimed_until) == (
        DONE,
        NOW + MINUTE,
        NOW + 3 * MINUTE,
    )
    assert (rows[cancelled.id].state, rows[cancelled.id].fired_at) == (CANCELLED, None)


def test_a_released_reminder_counts_the_attempt_and_waits_for_its_retry(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        nag = _nag(tx, incident)
        tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)
        tx.release_reminder(nag.id, "w2", NOW, "not the holder")
        tx.release_reminder(nag.id, "w1", NOW + 2 * MINUTE, "x" * 600)
        [released] = tx.reminders(incident.id)
        assert (released.claimed_by, released.claimed_until, released.attempts) == (None, NOW + 2 * MINUTE, 1)
        assert released.last_error == "x" * 500
        assert tx.claim_reminders("w2", NOW + MINUTE, NOW + 3 * MINUTE, 10) == []
        assert [r.attempts for r in tx.claim_reminders("w2", NOW + 2 * MINUTE, NOW + 3 * MINUTE, 10)] == [1]


def test_cancelling_a_commitment_s_reminders_cancels_the_pending_ones_only(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        commitment_id = _commitment_id(tx, incident)
        sent = _nag(tx, incident, NOW - MINUTE, commitment_id=commitment_id)
        leased = _nag(tx, incident, NOW, commitment_id=commitment_id)
        waiting = _nag(tx, incident, NOW + MINUTE, commitment_id=commitment_id)
        other = _nag(tx, incident, NOW + MINUTE)
        tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)
        tx.finish_reminder(sent.id, "w1", DONE, NOW)
        assert tx.cancel_reminders(commitment_id, NOW) == 2
        assert tx.cancel_reminders(commitment_id, NOW) == 0
        rows = {r.id: r for r in tx.reminders(incident.id)}
    assert [rows[r.id].state for r in (sent, leased, waiting, other)] == [DONE, CANCELLED, CANCELLED, PENDING]
    assert (rows[leased.id].claimed_by, rows[leased.id].claimed_until) == (None, None)


def test_reminders_of_an_incident_come_in_due_order(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        late = _nag(tx, incident, NOW + MINUTE)
        row = tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        _nag(tx, other, NOW)
        tx.add_request_row("note", "{}", NOW, NOW)
        assert tx.reminders(incident.id) == [row, late]


def test_a_failed_transaction_leaves_no_row_and_no_lease(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        nag = _nag(tx, incident)
    with pytest.raises(Boom), store.transaction() as tx:
        tx.add_outbox_row(PUBLISH, incident.id, 7, NOW, NOW)
        _nag(tx, incident, NOW + MINUTE)
        tx.claim_reminders("w1", NOW, NOW + MINUTE, 10)
        tx.finish_reminder(nag.id, "w1", DONE, NOW)
        raise Boom
    with store.transaction() as tx:
        assert tx.reminders(incident.id) == [nag]
        assert tx.outbox_rows(PUBLISH, 7) == []
    with pytest.raises(Boom), store.transaction() as tx:
        tx.claim_reminder_ids([nag.id], "w1", NOW, NOW + MINUTE)
        tx.release_reminder(nag.id, "w1", NOW + MINUTE, "failed")
        raise Boom
    with store.transaction() as tx:
        assert tx.reminders(incident.id) == [nag]


def test_a_request_row_is_due_at_receipt_and_held_until_asked(store: Store) -> None:
    with store.transaction() as tx:
        row = tx.add_request_row("note", PAYLOAD, NOW, NOW + MINUTE)
    assert (row.kind, row.payload, row.due_at, row.claimed_until, row.claimed_by) == (
        "note",
        PAYLOAD,
        NOW,
        NOW + MINUTE,
        None,
    )
    assert (row.incident_id, row.commitment_id, row.subject_id, row.state, row.attempts) == (
        None,
        None,
        None,
        ReminderState.PENDING,
        0,
    )
    with store.transaction() as tx:
        assert tx.claim_reminders("scheduler", NOW + MINUTE - SECOND, NOW + 2 * MINUTE, 10) == []
        [taken] = tx.claim_reminders("scheduler", NOW + MINUTE, NOW + 2 * MINUTE, 10)
    assert taken == row.model_copy(update={"claimed_by": "scheduler", "claimed_until": NOW + 2 * MINUTE})


def test_requests_received_together_are_separate_rows_applied_by_whoever_leases_them(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        first = tx.add_request_row("note", PAYLOAD, NOW, NOW + MINUTE)
        second = tx.add_request_row("note", PAYLOAD, NOW, NOW + MINUTE)
        assert first.id != second.id
        assert tx.reminders(incident.id) == [], "a request belongs to no incident yet"
    with store.transaction() as tx:
        [applying] = tx.claim_reminder_ids([first.id], "request-thread", NOW, NOW + MINUTE)
        assert tx.claim_reminder_ids([first.id], "scheduler", NOW, NOW + MINUTE) == []
        assert tx.finish_reminder(applying.id, "request-thread", ReminderState.DONE, NOW) is True
    with store.transaction() as tx:
        assert [r.id for r in tx.claim_reminders("scheduler", NOW + MINUTE, NOW + 2 * MINUTE, 10)] == [
            second.id
        ]


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
