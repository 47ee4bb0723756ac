"""Commitments, nags, escalations and snoozes, against the in-memory store and workspace."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from incidentbot.cadence import post_update, snooze
from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.cadence.errors import AlreadySnoozed, UpdateAlreadyPosted
from incidentbot.cadence.ports import NewReminder
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.incident.models import EventKind, Incident, Role, Severity, Status
from incidentbot.kernel import commands, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import FireReport, Handler, fire_due
from incidentbot.roles import service as roles
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.reminder_rows import cadence


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def _declare(services: Services, comms: str | None = "U002") -> Incident:
    return declared(services, comms=comms)


def _advance(services: Services, **delta: float) -> None:
    _clock(services).advance(timedelta(**delta))


def _calls(workspace: RecordingWorkspace, name: str) -> list[object]:
    return [payload for called, payload in workspace.calls if called == name]


def _kinds(store: MemoryStore, incident: Incident) -> list[EventKind]:
    return [event.kind for event in store.events(incident.id)]


def _draft(**fields: object) -> UpdateDraft:
    values: dict[str, object] = {
        "status": Status.INVESTIGATING,
        "severity": Severity.SEV1,
        "theory": "Bad deploy, unconfirmed",
    }
    values.update(fields)
    return UpdateDraft.model_validate(values)


def _post(services: Services, incident: Incident, draft: UpdateDraft) -> object:
    """The comms lead (U002) posts `draft` as the incident's update."""
    return commands.execute(
        services,
        post_update.POST_UPDATE,
        post_update.PostUpdate(user_id="U002", incident_id=incident.id, draft=draft),
        None,
    )


def test_declaring_commits_the_first_update_with_one_nag(services: Services, store: MemoryStore) -> None:
    incident = _declare(services)
    [commitment] = store.commitments(incident.id)
    assert commitment.source is CommitmentSource.DECLARE and commitment.made_by is None
    assert commitment.due_at == incident.declared_at + timedelta(minutes=15) == incident.next_update_due
    [nag] = cadence(store.reminders(incident.id))
    assert (nag.kind, nag.due_at, nag.commitment_id) == ("nag", commitment.due_at, commitment.id)


def test_nothing_fires_before_the_due_time(services: Services, workspace: RecordingWorkspace) -> None:
    _declare(services)
    _advance(services, minutes=14, seconds=59)
    assert fire_due(services, "w1") == FireReport()
    assert not _calls(workspace, "send_nag")


def test_missed_commitment_nags_the_comms_lead_once_then_escalates_once(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    [commitment] = store.commitments(incident.id)
    _advance(services, minutes=15)
    report = fire_due(services, "w1")
    assert report.delivered == 2, "the DM and the channel notice"
    assert _calls(workspace, "send_nag") == [(commitment.id, "U002")]
    assert _calls(workspace, "post_nag_notice") == [(commitment.id, "U002")]
    assert store.commitments(incident.id)[0].state is CommitmentState.MISSED
    assert _kinds(store, incident)[-2:] == [EventKind.MISSED_COMMITMENT, EventKind.NAG]
    assert fire_due(services, "w2") == FireReport(), "never a second nag"

    _advance(services, minutes=4, seconds=59)
    assert fire_due(services, "w1") == FireReport(), "not before the grace has passed"
    _advance(services, seconds=1)
    assert fire_due(services, "w1").delivered == 1
    assert _calls(workspace, "post_escalation") == [(commitment.id, "U001", "U002")]
    assert _kinds(store, incident)[-1] == EventKind.ESCALATION
    _advance(services, hours=2)
    assert fire_due(services, "w1") == FireReport(), "at most one escalation"
    assert len(_calls(workspace, "send_nag")) == 1


def test_commander_is_nagged_when_there_is_no_comms_lead(
    services: Services, workspace: RecordingWorkspace
) -> None:
    _declare(services, comms=None)
    _advance(services, minutes=15)
    fire_due(services, "w1")
    assert [owner for _, owner in _calls(workspace, "send_nag")] == ["U001"]  # type: ignore[misc]


def test_the_comms_lead_at_firing_time_is_nagged(services: Services, workspace: RecordingWorkspace) -> None:
    incident = _declare(services)
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U001", incident_id=incident.id, chosen={Role.COMMS: "U001"}),
        None,
    )
    _advance(services, minutes=15)
    fire_due(services, "w1")
    assert [owner for _, owner in _calls(workspace, "send_nag")] == ["U001"]  # type: ignore[misc]


def test_update_on_time_meets_the_commitment_and_stops_the_nag(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=10)
    due = services.clock.now() + timedelta(minutes=30)
    _post(services, incident, _draft(next_update_at=due))
    first, second = store.commitments(incident.id)
    assert first.state is CommitmentState.MET and first.settled_at == services.clock.now()
    assert (second.state, second.due_at, second.made_by, second.source) == (
        CommitmentState.OPEN,
        due,
        "U002",
        CommitmentSource.UPDATE,
    )
    assert store.incidents[incident.id].next_update_due == due
    _advance(services, minutes=29)
    assert fire_due(services, "w1") == FireReport()
    assert not _calls(workspace, "send_nag")
    _advance(services, minutes=1)
    fire_due(services, "w1")
    assert _calls(workspace, "send_nag") == [(second.id, "U002")], (
        "the next nag comes 30 min after the update"
    )


def test_late_update_keeps_the_miss_and_cancels_the_escalation(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=16)
    fire_due(services, "w1")
    _post(services, incident, _draft(next_update_at=services.clock.now() + timedelta(minutes=30)))
    assert store.commitments(incident.id)[0].state is CommitmentState.MISSED
    _advance(services, minutes=5)
    fire_due(services, "w1")
    assert not _calls(workspace, "post_escalation")
    states = {
        r.kind: r.state
        for r in store.reminders(incident.id)
        if r.commitment_id == store.commitments(incident.id)[0].id
    }
    assert states == {"nag": "done", "nag_notice": "done", "escalation": "cancelled"}


def test_update_after_the_due_time_but_before_the_nag_counts_as_missed(
    services: Services, store: MemoryStore
) -> None:
    incident = _declare(services)
    _advance(services, minutes=20)
    _post(services, incident, _draft(next_update_at=services.clock.now() + timedelta(minutes=30)))
    assert store.commitments(incident.id)[0].state is CommitmentState.MISSED
    assert EventKind.MISSED_COMMITMENT in _kinds(store, incident)


def test_update_without_a_next_time_leaves_nothing_to_nag(services: Services, store: MemoryStore) -> None:
    incident = _declare(services)
    _post(services, incident, _draft(severity=Severity.SEV3, next_update_at=None))
    assert store.incidents[incident.id].next_update_due is None
    assert store.incidents[incident.id].severity is Severity.SEV3
    assert store.live_commitment(incident.id) is None


def test_status_and_severity_in_an_update_change_the_incident(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    draft = _draft(status=Status.IDENTIFIED, severity=Severity.SEV2, next_update_at=services.clock.now())
    _post(services, incident, draft)
    changed = store.incidents[incident.id]
    assert (changed.status, changed.severity) == (Status.IDENTIFIED, Severity.SEV2)
    assert _kinds(store, incident)[-3:] == [
        EventKind.SEVERITY_CHANGED,
        EventKind.STATUS_CHANGED,
        EventKind.UPDATE_POSTED,
    ]
    assert len(_calls(workspace, "post_change")) == 2


def test_resolving_cancels_the_commitment_and_its_reminders(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    changes.set_status(services, incident.id, Status.RESOLVED, "U001")
    [commitment] = store.commitments(incident.id)
    assert commitment.state is CommitmentState.CANCELLED
    assert [r.state for r in cadence(store.reminders(incident.id))] == [ReminderState.CANCELLED]
    _advance(services, hours=1)
    assert fire_due(services, "w1") == FireReport()
    assert not _calls(workspace, "send_nag")


def test_resolving_after_the_nag_stops_the_escalation(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=15)
    fire_due(services, "w1")
    changes.set_status(services, incident.id, Status.RESOLVED, "U001")
    _advance(services, minutes=10)
    fire_due(services, "w1")
    assert not _calls(workspace, "post_escalation")


def test_a_reminder_whose_commitment_ended_meanwhile_is_cancelled_not_sent(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=15)
    [nag] = reminders.claim(services, "w1")
    _post(services, incident, _draft(next_update_at=services.clock.now() + timedelta(minutes=30)))
    # The update cancelled the pending row; a worker already holding it must still send nothing.
    store.reminder_rows[nag.id] = nag
    assert reminders.deliver(services, nag, services.handlers) == FireReport(cancelled=1)
    assert not _calls(workspace, "send_nag")


def test_snooze_supersedes_with_a_new_commitment(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=15)
    fire_due(services, "w1")
    [missed] = store.commitments(incident.id)
    snoozed = commands.execute(
        services,
        snooze.SNOOZE,
        snooze.SnoozeNextUpdate(user_id="U002", commitment_id=missed.id, minutes=15),
        None,
    )
    assert store.commitments(incident.id)[0].state is CommitmentState.MISSED, (
        "a snooze does not erase the miss"
    )
    assert snoozed.commitment.source is CommitmentSource.SNOOZE
    assert snoozed.commitment.due_at == services.clock.now() + timedelta(minutes=15)
    assert store.incidents[incident.id].next_update_due == snoozed.commitment.due_at
    assert _kinds(store, incident)[-1] == EventKind.SNOOZE
    _advance(services, minutes=5)
    fire_due(services, "w1")
    assert not _calls(workspace, "post_escalation"), "the snooze stopped the pending escalation"
    _advance(services, minutes=10)
    fire_due(services, "w1")
    assert [cid for cid, _ in _calls(workspace, "send_nag")] == [missed.id, snoozed.commitment.id]  # type: ignore[misc]


def test_snoozing_twice_or_after_the_update_is_refused(services: Services, store: MemoryStore) -> None:
    incident = _declare(services)
    _advance(services, minutes=15)
    fire_due(services, "w1")
    [missed] = store.commitments(incident.id)
    commands.execute(
        services,
        snooze.SNOOZE,
        snooze.SnoozeNextUpdate(user_id="U002", commitment_id=missed.id, minutes=5),
        None,
    )
    with pytest.raises(AlreadySnoozed) as twice:
        commands.execute(
            services,
            snooze.SNOOZE,
            snooze.SnoozeNextUpdate(user_id="U002", commitment_id=missed.id, minutes=5),
            None,
        )
    assert twice.value.detail == "12:20 UTC"
    snoozed = store.commitments(incident.id)[1]
    _post(services, incident, _draft(next_update_at=services.clock.now() + timedelta(minutes=30)))
    with pytest.raises(UpdateAlreadyPosted) as late:
        commands.execute(
            services,
            snooze.SNOOZE,
            snooze.SnoozeNextUpdate(user_id="U002", commitment_id=snoozed.id, minutes=5),
            None,
        )
    assert late.value.detail == "12:45 UTC"
    assert len(store.commitments(incident.id)) == 3


def test_failed_delivery_is_retried_with_backoff_not_dropped(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _declare(services)
    _advance(services, minutes=15)
    workspace.failing.add("send_nag")
    assert fire_due(services, "w1").retried == 1
    [nag] = cadence(store.reminders(incident.id))
    assert (nag.state, nag.attempts, nag.claimed_by) == (ReminderState.PENDING, 1, None)
    assert nag.last_error == "send_nag: internal_error"
    assert fire_due(services, "w1") == FireReport(), "waits for the backoff"
    _advance(services, seconds=5)
    assert fire_due(services, "w1").retried == 1
    assert cadence(store.reminders(incident.id))[0].attempts == 2
    workspace.failing.clear()
    _advance(services, seconds=10)
    assert fire_due(services, "w1").delivered == 2
    assert len(_calls(workspace, "send_nag")) == 1


def test_a_worker_that_died_holding_a_lease_is_replaced_after_it_expires(
    services: Services, workspace: RecordingWorkspace
) -> None:
    _declare(services)
    _advance(services, minutes=15)
    assert len(reminders.claim(services, "dead-worker")) == 1
    assert fire_due(services, "w2") == FireReport(), "the lease still holds"
    _advance(services, seconds=61)
    assert fire_due(services, "w2").delivered == 2
    assert len(_calls(workspace, "send_nag")) == 1


def test_a_worker_whose_lease_was_taken_over_sends_nothing(
    services: Services, workspace: RecordingWorkspace
) -> None:
    _declare(services)
    _advance(services, minutes=15)
    [stale] = reminders.claim(services, "slow-worker")
    _advance(services, seconds=61)
    fire_due(services, "w2")
    assert reminders.deliver(services, stale, services.handlers) == FireReport(lost=1)
    assert len(_calls(workspace, "send_nag")) == 1


def test_the_handler_table_takes_new_kinds(services: Services, store: MemoryStore) -> None:
    seen: list[Reminder] = []
    handlers: dict[str, Handler] = {
        **services.handlers,
        "custom": lambda _services, reminder: seen.append(reminder),
    }
    with store.transaction() as tx:
        tx.add_reminder(NewReminder(kind="custom", due_at=services.clock.now(), subject_id=7))
        tx.add_reminder(NewReminder(kind="unknown", due_at=services.clock.now(), subject_id=8))
    report = fire_due(services, "w1", handlers)
    assert [r.subject_id for r in seen] == [7]
    assert (report.delivered, report.retried) == (1, 1), "a kind nobody handles waits, it is not dropped"


def test_parallel_delivery_sends_each_once(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    for _ in range(30):
        _declare(services)
    _advance(services, minutes=15)
    report = fire_due(services, "w1", parallel=4)
    assert report.delivered == 60
    nagged = [commitment for commitment, _ in _calls(workspace, "send_nag")]  # type: ignore[misc]
    assert len(nagged) == len(set(nagged)) == 30


def test_a_stuck_delivery_does_not_hold_up_the_others(services: Services, store: MemoryStore) -> None:
    others_done = threading.Event()
    fast: list[int] = []

    def slow(_services: Services, _reminder: Reminder) -> None:
        assert others_done.wait(timeout=5), "the others waited for the stuck one"

    def quick(_services: Services, reminder: Reminder) -> None:
        fast.append(reminder.id)
        if len(fast) == 10:
            others_done.set()

    with store.transaction() as tx:
        tx.add_reminder(NewReminder(kind="slow", due_at=services.clock.now() - timedelta(seconds=1)))
        for n in range(10):
            tx.add_reminder(NewReminder(kind="quick", due_at=services.clock.now(), subject_id=n))
    report = fire_due(services, "w1", {"slow": slow, "quick": quick}, parallel=2)
    assert report.delivered == 11 and len(fast) == 10
