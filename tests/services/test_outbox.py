"""The outbox against the in-memory store and workspace: recorded with the change, sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.cadence import post_update, updates
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.declare.ports import DECLARATION_MESSAGES
from incidentbot.incident.models import Incident, Role, SetupState, Severity, Status
from incidentbot.kernel import commands, outbox
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox import DeliveryDelayed
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.roles import service as roles
from tests.support import reminder_rows
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.units import applied


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def _advance(services: Services, **delta: float) -> None:
    _clock(services).advance(timedelta(**delta))


def _declaration(comms: str | None = "U002") -> declare.Declaration:
    return declaration(comms=comms)


def _ready(services: Services) -> Incident:
    return declare.set_up(services, applied(services, declare.DECLARE, _declaration()).id)


def _count(workspace: RecordingWorkspace, name: str) -> int:
    return workspace.names().count(name)


def _rows(store: MemoryStore, incident: Incident, kind: OutboxKind) -> list[ReminderState]:
    return [r.state for r in reminder_rows.outbox(store.reminders(incident.id), kind)]


def _draft(**fields: object) -> UpdateDraft:
    values: dict[str, object] = {
        "status": Status.INVESTIGATING,
        "severity": Severity.SEV1,
        "theory": "Bad deploy, unconfirmed",
        "next_update_at": None,
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


def test_the_declaration_and_its_setup_are_recorded_together(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = applied(services, declare.DECLARE, _declaration())
    [job] = reminder_rows.outbox(store.reminders(incident.id))
    assert (job.kind, job.subject_id, job.state) == (OutboxKind.SET_UP, incident.id, ReminderState.PENDING)
    assert workspace.calls == [], "nothing is sent inside the transaction"


def test_a_setup_whose_thread_died_is_delivered_by_the_scheduler_once(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = applied(services, declare.DECLARE, _declaration())  # and the process dies before set_up
    assert fire_due(services, "scheduler").delivered == 0, "left to its caller at first"
    _advance(services, seconds=10)
    fire_due(services, "scheduler")
    assert services.view_of(incident.id).incident.setup_state is SetupState.READY
    _advance(services, minutes=5)
    fire_due(services, "scheduler")
    assert _count(workspace, "create_channel") == 1
    assert _count(workspace, "post_summary") == 1
    assert _count(workspace, "announce") == 1
    assert _count(workspace, "send_role_checklist") == 1
    assert _rows(store, incident, OutboxKind.SET_UP) == [ReminderState.DONE]


def test_an_unavailable_slack_delays_the_setup_tells_the_declarer_once_and_retries(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    workspace.failing.add("create_channel")
    incident = _ready(services)
    assert incident.setup_state is SetupState.FAILED
    assert incident.setup_error == "create_channel: internal_error"
    assert workspace.calls == [("report_setup_delayed", ("U001", SetupState.FAILED, incident.setup_error))]
    [job] = reminder_rows.outbox(store.reminders(incident.id), OutboxKind.SET_UP)
    assert (job.state, job.attempts) == (ReminderState.PENDING, 1)

    _advance(services, seconds=5)
    assert fire_due(services, "scheduler").retried == 1, "retried with backoff, still failing"
    workspace.failing.clear()
    assert fire_due(services, "scheduler").delivered == 0, "waits out the backoff"
    _advance(services, seconds=10)
    fire_due(services, "scheduler")
    ready = services.view_of(incident.id).incident
    assert (ready.setup_state, ready.setup_error) == (SetupState.READY, None)
    assert _count(workspace, "report_setup_delayed") == 1
    assert _count(workspace, "create_channel") == 1


def test_the_delay_notice_sent_after_the_setup_says_it_is_ready(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    workspace.failing.update({"create_channel", "report_setup_delayed"})
    incident = _ready(services)
    workspace.failing.clear()
    _advance(services, minutes=1)
    fire_due(services, "scheduler")
    assert workspace.names()[0] == "create_channel", "the setup, older, goes first"
    [(_, notice)] = [c for c in workspace.calls if c[0] == "report_setup_delayed"]
    assert notice == ("U001", SetupState.READY, "")
    assert _rows(store, incident, OutboxKind.SETUP_DELAYED) == [ReminderState.DONE]


def test_retry_now_skips_the_backoff_and_a_finished_setup_is_not_redone(
    services: Services, workspace: RecordingWorkspace
) -> None:
    workspace.failing.add("post_alert")
    incident = _ready(services)
    workspace.failing.clear()
    assert declare.set_up(services, incident.id).setup_state is SetupState.READY
    calls = len(workspace.calls)
    declare.set_up(services, incident.id)
    assert len(workspace.calls) == calls
    assert _count(workspace, "create_channel") == 1


def test_every_channel_name_taken_is_a_failure_for_good(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    workspace.taken_names.update(f"inc-1-checkout-failing{f'-{n}' if n > 1 else ''}" for n in range(1, 21))
    incident = _ready(services)
    assert incident.setup_state is SetupState.FAILED
    assert "taken" in (incident.setup_error or "")
    assert _rows(store, incident, OutboxKind.SET_UP) == [ReminderState.DONE]
    assert _count(workspace, "report_setup_failure") == 1
    assert _count(workspace, "report_setup_delayed") == 0


def test_an_update_is_posted_once_even_when_its_row_is_delivered_again(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.calls.clear()
    recorded = applied(
        services,
        post_update.POST_UPDATE,
        post_update.PostUpdate(user_id="U002", incident_id=incident.id, draft=_draft()),
    )
    publish_row = recorded.deliveries[0]
    updates.publish(services, recorded)
    assert store.updates(incident.id)[0].message_ts == f"2.{recorded.update.id:04d}"
    # A second worker handed the same row (say, after a lease ran out) finds the message saved.
    updates.deliver_update(services, publish_row)
    assert _count(workspace, "post_update") == 1
    assert workspace.names() == ["post_update", "refresh_summary", "refresh_announcement"]


def test_a_summary_failure_after_the_post_retries_only_the_summary(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.calls.clear()
    workspace.failing.add("refresh_summary")
    _post(services, incident, _draft(severity=Severity.SEV2))
    assert _rows(store, incident, OutboxKind.PUBLISH_UPDATE) == [ReminderState.DONE]
    assert _rows(store, incident, OutboxKind.SYNC_SUMMARY)[-1] is ReminderState.PENDING
    workspace.failing.clear()
    _advance(services, seconds=10)
    fire_due(services, "scheduler")
    assert _count(workspace, "post_update") == 1
    assert _count(workspace, "post_change") == 1
    assert _count(workspace, "refresh_summary") == 1
    assert _rows(store, incident, OutboxKind.SYNC_SUMMARY)[-1] is ReminderState.DONE


def test_change_notices_wait_for_the_update_that_brought_them(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.calls.clear()
    workspace.failing.add("post_update")
    with pytest.raises(DeliveryDelayed) as delayed:
        _post(services, incident, _draft(severity=Severity.SEV2, status=Status.IDENTIFIED))
    assert delayed.value.detail == "post_update: internal_error"
    assert _count(workspace, "post_change") == 0, "no notice ahead of its update"
    assert _count(workspace, "refresh_summary") == 1, "the summary shows the new state meanwhile"
    workspace.failing.clear()
    _advance(services, minutes=1)
    fire_due(services, "scheduler")
    assert [n for n in workspace.names() if n in {"post_update", "post_change"}] == [
        "post_update",
        "post_change",
        "post_change",
    ]
    _advance(services, minutes=10)
    fire_due(services, "scheduler")
    assert _count(workspace, "post_update") == 1 and _count(workspace, "post_change") == 2


def test_a_held_notice_tells_the_person_and_a_held_summary_does_not(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.failing.add("refresh_summary")
    changes.set_severity(services, incident.id, Severity.SEV2, "U001")  # no DeliveryDelayed
    workspace.failing = {"post_change"}
    with pytest.raises(DeliveryDelayed):
        changes.set_status(services, incident.id, Status.IDENTIFIED, "U001")
    assert services.view_of(incident.id).incident.status is Status.IDENTIFIED, "the change is saved"
    workspace.failing.clear()
    _advance(services, minutes=1)
    fire_due(services, "scheduler")
    assert _count(workspace, "post_change") == 2


def test_changes_made_before_a_sync_starts_share_it(services: Services, store: MemoryStore) -> None:
    incident = _ready(services)
    now = services.clock.now()
    with store.transaction() as tx:
        first = outbox.enqueue_sync(tx, incident.id, now)
        again = outbox.enqueue_sync(tx, incident.id, now)
        tx.claim_reminder_ids([first.id], "busy", now, now + timedelta(minutes=1))
        behind = outbox.enqueue_sync(tx, incident.id, now)
    assert again.id == first.id
    assert behind.id != first.id, "a sync under way may have read the state before this change"


def test_a_sync_edits_again_when_the_incident_changed_under_it(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    shown: list[IncidentView] = []
    messages = DECLARATION_MESSAGES.of(services)
    original = messages.refresh_summary

    def refresh_while_someone_changes_it(view: IncidentView) -> None:
        original(view)
        shown.append(view)
        if len(shown) == 1:
            current = store.incidents[incident.id]
            store.incidents[incident.id] = current.model_copy(update={"severity": Severity.SEV3})

    messages.refresh_summary = refresh_while_someone_changes_it  # type: ignore[method-assign]
    with store.transaction() as tx:
        row = outbox.enqueue_sync(tx, incident.id, services.clock.now())
    outbox.send_now(services, [row])
    assert [v.incident.severity for v in shown] == [Severity.SEV1, Severity.SEV3]


def test_a_role_notice_is_retried_without_repeating_the_checklist(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.calls.clear()
    workspace.failing.add("post_role_change")
    with pytest.raises(DeliveryDelayed):
        commands.execute(
            services,
            roles.ASSIGN_CHOSEN,
            roles.AssignChosenRoles(user_id="U001", incident_id=incident.id, chosen={Role.SCRIBE: "U002"}),
            None,
        )
    assert services.view_of(incident.id).roster.scribe == "U002"
    workspace.failing.clear()
    _advance(services, minutes=1)
    fire_due(services, "scheduler")
    assert _count(workspace, "post_role_change") == 1
    assert _count(workspace, "send_role_checklist") == 1
    assert _count(workspace, "invite") == 2, "inviting again is harmless; the notice is not repeated"


def test_the_roles_form_assigns_every_role_even_when_a_notice_is_held(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident = _ready(services)
    workspace.failing.add("post_role_change")
    with pytest.raises(DeliveryDelayed):
        chosen = {Role.COMMS: "U001", Role.SCRIBE: "U002", Role.COMMANDER: None}
        form = roles.AssignChosenRoles(user_id="U001", incident_id=incident.id, chosen=chosen)
        commands.execute(services, roles.ASSIGN_CHOSEN, form, None)
    roster = services.view_of(incident.id).roster
    assert (roster.comms, roster.scribe) == ("U001", "U002")


def test_a_restart_starts_the_setups_left_pending(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    first = applied(services, declare.DECLARE, _declaration())
    [resumed] = declare.resume_interrupted(services)
    assert resumed.id == first.id and resumed.setup_state is SetupState.READY
    assert _rows(store, first, OutboxKind.SET_UP) == [ReminderState.DONE]
