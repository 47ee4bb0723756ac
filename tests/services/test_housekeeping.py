"""Housekeeping against the in-memory store: what goes after the retention and what must stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.kernel import housekeeping, outbox, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.housekeeping import Retention, SweepReport
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.wrap_up import action_items
from incidentbot.wrap_up.action_item_rules import ActionDraft
from tests.support import reminder_rows, wrap_up
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace

DAY = timedelta(days=1)
PENDING = ReminderState.PENDING


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def _declare(services: Services) -> Incident:
    return declared(services, comms="U002")


def _nagged_and_resolved(services: Services) -> Incident:
    """An incident whose first update was missed (nag, notice, escalation sent), then resolved."""
    incident = _declare(services)
    for minutes in (15, 5):  # the nag and its notice, then the escalation after the grace
        _clock(services).advance(timedelta(minutes=minutes))
        fire_due(services, "scheduler")
    return changes.set_status(services, incident.id, Status.RESOLVED, "U001")


def _rows(store: MemoryStore, incident: Incident) -> list[Reminder]:
    return store.reminders(incident.id)


def test_finished_rows_go_once_the_incident_has_been_resolved_for_the_retention(
    services: Services, store: MemoryStore
) -> None:
    incident = _nagged_and_resolved(services)
    finished = _rows(store, incident)
    kinds = {r.kind for r in finished}
    assert {"nag", "nag_notice", "escalation", OutboxKind.SET_UP, OutboxKind.SYNC_SUMMARY} <= kinds
    assert not reminder_rows.pending(finished)

    _clock(services).advance(30 * DAY - timedelta(seconds=1))
    assert housekeeping.sweep(services) == SweepReport(), "29 days and change: all still there"

    _clock(services).advance(reminders.LEASE + timedelta(seconds=2))  # and the last lease has run out
    assert housekeeping.sweep(services) == SweepReport(reminders=len(finished))
    assert _rows(store, incident) == []
    assert services.view_of(incident.id).incident.status is Status.RESOLVED, "the incident itself stays"


def test_a_pending_row_is_never_deleted(services: Services, store: MemoryStore) -> None:
    incident = _nagged_and_resolved(services)
    with store.transaction() as tx:
        owed = outbox.enqueue(tx, OutboxKind.SYNC_SUMMARY, incident.id, incident.id, services.clock.now())
    _clock(services).advance(365 * DAY)
    housekeeping.sweep(services)
    assert [r.id for r in _rows(store, incident)] == [owed.id]
    assert _rows(store, incident)[0].state is PENDING


def test_rows_of_an_open_incident_stay_however_old(services: Services, store: MemoryStore) -> None:
    incident = _declare(services)
    _clock(services).advance(timedelta(minutes=15))
    fire_due(services, "scheduler")
    before = _rows(store, incident)
    _clock(services).advance(365 * DAY)
    assert housekeeping.sweep(services).reminders == 0
    assert _rows(store, incident) == before


def test_a_reopened_incident_counts_as_open(services: Services, store: MemoryStore) -> None:
    incident = _nagged_and_resolved(services)
    _clock(services).advance(40 * DAY)
    changes.set_status(services, incident.id, Status.MONITORING, "U001")
    finished_before = [r for r in _rows(store, incident) if r.state is not PENDING]
    _clock(services).advance(40 * DAY)
    housekeeping.sweep(services)
    assert all(r in _rows(store, incident) for r in finished_before)


def test_a_row_retried_until_recently_stays_for_the_retention_after_its_last_attempt(
    services: Services, store: MemoryStore
) -> None:
    incident = _nagged_and_resolved(services)
    with store.transaction() as tx:
        late = outbox.enqueue(tx, OutboxKind.CHANGE_NOTICE, incident.id, 999, services.clock.now())
    _clock(services).advance(35 * DAY)
    # Slack refused it for five weeks; the last attempt found its reason gone.
    now = services.clock.now()
    [claimed] = store.claim_reminder_ids([late.id], "w", now, now + reminders.LEASE)
    store.finish_reminder(claimed.id, "w", ReminderState.CANCELLED, now)
    housekeeping.sweep(services)
    assert [r.id for r in _rows(store, incident)] == [late.id]
    _clock(services).advance(31 * DAY)
    housekeeping.sweep(services)
    assert _rows(store, incident) == []


def test_a_setup_that_never_finished_keeps_its_rows_so_the_delay_dm_stays_single(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    workspace.failing.add("create_channel")
    incident = _declare(services)
    assert incident.setup_state is SetupState.FAILED
    assert workspace.names().count("report_setup_delayed") == 1
    changes.set_status(services, incident.id, Status.RESOLVED, "U001")
    delay_rows = reminder_rows.outbox(_rows(store, incident), OutboxKind.SETUP_DELAYED)
    assert [r.state for r in delay_rows] == [ReminderState.DONE]

    _clock(services).advance(60 * DAY)
    housekeeping.sweep(services)
    assert fire_due(services, "scheduler").retried == 1, "the setup is still queued; Slack still refuses"
    assert workspace.names().count("report_setup_delayed") == 1, "the kept row still says: sent once"
    assert reminder_rows.outbox(_rows(store, incident), OutboxKind.SETUP_DELAYED) == delay_rows


def test_old_action_item_reminders_go_while_the_next_one_stays_pending(
    services: Services, store: MemoryStore
) -> None:
    incident = _nagged_and_resolved(services)
    due_on = services.clock.now().date()
    draft = ActionDraft(text="Add a canary", owner_id="U002", due_on=due_on)
    item = wrap_up.add_action(services, incident.id, draft, "U001")
    for _ in range(40):  # forty overdue days, one reminder each
        _clock(services).advance(DAY)
        for row in store.pending_action_reminders(services.clock.now()):
            action_items.remind_overdue(services, row)
            store.finish_action_reminder(row.id, services.clock.now())
    assert len(store.action_reminders(item.id)) == 41

    cutoff = services.clock.now() - 30 * DAY
    housekeeping.sweep(services)
    kept = store.action_reminders(item.id)
    # A row goes once every time it records is older than the cutoff: the reminder due on the
    # cutoff's day was sent at the cutoff itself, so it stays with the thirty after it.
    assert len(kept) == 32, "the last thirty days, the one sent on the cutoff, and tomorrow's"
    assert all(r.due_at >= cutoff - DAY for r in kept)
    assert [r.state for r in kept[-2:]] == ["done", "pending"]


def test_event_ids_are_forgotten_after_their_retention(services: Services, store: MemoryStore) -> None:
    with store.transaction() as tx:
        assert tx.first_delivery("Ev-old", services.clock.now())
    _clock(services).advance(6 * DAY)
    with store.transaction() as tx:
        assert tx.first_delivery("Ev-recent", services.clock.now())
    _clock(services).advance(DAY + timedelta(seconds=1))

    assert housekeeping.sweep(services) == SweepReport(event_ids=1)
    with store.transaction() as tx:
        assert not tx.first_delivery("Ev-recent", services.clock.now()), "a retry is still dropped"
        assert tx.first_delivery("Ev-old", services.clock.now()), "forgotten"


def test_the_sweep_deletes_in_bounded_batches_until_nothing_is_left(
    services: Services, store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.transaction() as tx:
        for index in range(10):
            tx.first_delivery(f"Ev{index}", services.clock.now())
    batches: list[int] = []
    delete = store.delete_processed_events

    def counted(received_before: object, limit: int) -> int:
        deleted = delete(received_before, limit)  # type: ignore[arg-type]
        batches.append(deleted)
        return deleted

    monkeypatch.setattr(store, "delete_processed_events", counted)
    _clock(services).advance(8 * DAY)
    assert housekeeping.sweep(services, batch=3).event_ids == 10
    assert batches == [3, 3, 3, 1]


def test_retentions_are_configurable(services: Services, store: MemoryStore) -> None:
    incident = _nagged_and_resolved(services)
    _clock(services).advance(2 * DAY)
    short = Retention(finished_rows=DAY, event_ids=DAY)
    assert housekeeping.sweep(services, short).reminders > 0
    assert _rows(store, incident) == []


def test_a_retention_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Retention(finished_rows=timedelta(0))
