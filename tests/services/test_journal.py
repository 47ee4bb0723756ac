"""The journal against the in-memory store: accepted before the ack, applied once, replayed if dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.changes import commands as changes
from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import EventKind, Incident, Role, Severity, Status
from incidentbot.kernel import commands, journal
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, NotAnIncidentChannel
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.roles import service as roles
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline import notes
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore
from tests.support.units import applied


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def _declaration(title: str = "Checkout failing") -> declare.Declaration:
    return declaration(title=title, severity=Severity.SEV2, impact="Checkout fails")


def _incident(services: Services) -> Incident:
    return declare.set_up(services, applied(services, declare.DECLARE, _declaration()).id)


def _note(channel_id: str, words: str) -> notes.AddNote:
    return notes.AddNote(channel_id=channel_id, user_id="U002", user_name="bob", words=words)


def _notes(store: MemoryStore, incident_id: int) -> list[str]:
    with store.transaction() as tx:
        return [e.text for e in tx.events(incident_id) if e.source == "note"]


def _state(store: MemoryStore, row_id: int) -> ReminderState:
    return store.reminder_rows[row_id].state


def test_an_accepted_note_is_applied_once_as_of_when_it_was_typed(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    typed_at = services.clock.now()
    row = journal.accept(services, JournalKind.NOTE, _note(incident.channel_id or "", "Rolled back"))
    assert row.payload is not None and _state(store, row.id) is ReminderState.PENDING
    assert _notes(store, incident.id) == [], "accepting records the request, not yet the note"

    _clock(services).advance(timedelta(seconds=2))
    added = commands.apply_submitted(services, row, notes.ADD_NOTE)
    assert added is not None and added.event.occurred_at == typed_at
    assert added.incident.id == incident.id
    assert commands.apply_submitted(services, row, notes.ADD_NOTE) is None, "a done request is not taken"
    _clock(services).advance(timedelta(minutes=5))
    fire_due(services, "scheduler")
    assert _notes(store, incident.id) == ["Rolled back"]
    assert _state(store, row.id) is ReminderState.DONE


def test_a_request_its_caller_never_applied_is_applied_by_the_scheduler(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    typed_at = services.clock.now()
    row = journal.accept(services, JournalKind.NOTE, _note(incident.channel_id or "", "Failover done"))

    fire_due(services, "scheduler")
    assert _notes(store, incident.id) == [], "the caller has the row first"
    _clock(services).advance(timedelta(seconds=11))
    fire_due(services, "scheduler")
    with store.transaction() as tx:
        (entry,) = [e for e in tx.events(incident.id) if e.source == "note"]
    assert (entry.text, entry.occurred_at, entry.actor_name) == ("Failover done", typed_at, "bob")
    assert _state(store, row.id) is ReminderState.DONE
    assert commands.apply_submitted(services, row, notes.ADD_NOTE) is None


def test_a_note_outside_an_incident_channel_ends_its_request_and_is_explained(
    services: Services, store: MemoryStore
) -> None:
    row = journal.accept(services, JournalKind.NOTE, _note("C0GENERAL", "Lost"))
    with pytest.raises(NotAnIncidentChannel):
        commands.apply_submitted(services, row, notes.ADD_NOTE)
    assert _state(store, row.id) is ReminderState.CANCELLED, "not retried: it can never apply"


def test_a_replayed_request_that_cannot_apply_is_cancelled_quietly(
    services: Services, store: MemoryStore
) -> None:
    row = journal.accept(services, JournalKind.NOTE, _note("C0GENERAL", "Lost"))
    _clock(services).advance(timedelta(seconds=11))
    report = fire_due(services, "scheduler")
    assert (report.cancelled, report.retried) == (1, 0)
    assert _state(store, row.id) is ReminderState.CANCELLED


def test_a_declaration_replayed_after_a_crash_is_recorded_once_as_of_its_submission(
    services: Services, store: MemoryStore
) -> None:
    submitted_at = services.clock.now()
    row = journal.accept(services, JournalKind.DECLARE, _declaration("Replayed"))
    _clock(services).advance(timedelta(seconds=11))
    fire_due(services, "scheduler")
    fire_due(services, "scheduler")
    declared = [i for i in store.incidents.values() if i.title == "Replayed"]
    assert len(declared) == 1
    assert declared[0].declared_at == submitted_at
    assert declared[0].next_update_due == services.policy.first_update_due(submitted_at)
    assert _state(store, row.id) is ReminderState.DONE


def test_a_mark_repeated_by_slack_is_applied_once(services: Services, store: MemoryStore) -> None:
    incident = _incident(services)
    mark = timeline_capture.MarkMessage(
        channel_id=incident.channel_id or "",
        ts="1767268800.000100",
        user_id="U002",
        item_user="U003",
        event_id="Ev1",
    )
    first = commands.submit(services, mark)
    retry = commands.submit(services, mark)
    assert first is not None and retry is not None
    capture_row = commands.apply_submitted(services, first, timeline_capture.MARK_MESSAGE)
    assert capture_row is not None
    assert commands.apply_submitted(services, retry, timeline_capture.MARK_MESSAGE) is None
    assert _state(store, retry.id) is ReminderState.DONE, "the repeat is closed, with nothing added"
    with store.transaction() as tx:
        assert [e.message_ts for e in tx.events(incident.id) if e.source == "reaction"] == [mark.ts]


def _change(channel_id: str, **change: object) -> changes.ChangeIncident:
    return changes.ChangeIncident.model_validate({"channel_id": channel_id, "user_id": "U001", **change})


def _events_of_kind(store: MemoryStore, incident_id: int, kind: EventKind) -> list[str]:
    with store.transaction() as tx:
        return [e.text for e in tx.events(incident_id) if e.kind is kind]


def test_a_severity_change_is_applied_once_as_of_when_it_was_asked(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    asked_at = services.clock.now()
    row = journal.accept(
        services, JournalKind.CHANGE, _change(incident.channel_id or "", severity=Severity.SEV1)
    )
    _clock(services).advance(timedelta(seconds=2))
    changed = commands.apply_submitted(services, row, changes.CHANGE)
    assert changed is not None and changed.severity is Severity.SEV1
    assert commands.apply_submitted(services, row, changes.CHANGE) is None
    _clock(services).advance(timedelta(minutes=1))
    fire_due(services, "scheduler")
    with store.transaction() as tx:
        (event,) = [e for e in tx.events(incident.id) if e.kind is EventKind.SEVERITY_CHANGED]
    assert event.occurred_at == asked_at
    assert _state(store, row.id) is ReminderState.DONE


def test_a_change_that_changes_nothing_is_explained_and_finished(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    row = journal.accept(
        services, JournalKind.CHANGE, _change(incident.channel_id or "", status="investigating")
    )
    with pytest.raises(changes.StatusUnchanged):
        commands.apply_submitted(services, row, changes.CHANGE)
    assert _state(store, row.id) is ReminderState.CANCELLED, "else the scheduler would replay it for ever"
    assert _events_of_kind(store, incident.id, EventKind.STATUS_CHANGED) == []


def test_a_status_change_the_person_may_not_make_is_cancelled_and_explained(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    asked = changes.ChangeIncident(
        channel_id=incident.channel_id or "", user_id="U009", status=Status.RESOLVED
    )
    row = commands.submit(services, asked)
    assert row is not None
    with pytest.raises(IncidentError):
        commands.apply_submitted(services, row, changes.CHANGE)
    assert _state(store, row.id) is ReminderState.CANCELLED
    assert services.view_of(incident.id).incident.is_open


def test_a_role_assignment_its_caller_never_applied_is_applied_by_the_scheduler(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    asked = roles.AssignRole(
        channel_id=incident.channel_id or "", user_id="U001", role=Role.COMMS, assignee="U002"
    )
    row = commands.submit(services, asked)
    assert row is not None
    _clock(services).advance(timedelta(seconds=11))
    fire_due(services, "scheduler")
    assert services.view_of(incident.id).roster.holder(Role.COMMS) == "U002"
    assert _state(store, row.id) is ReminderState.DONE


def test_a_roles_form_replayed_after_a_crash_makes_each_assignment_once(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    form = roles.AssignChosenRoles(
        incident_id=incident.id, user_id="U001", chosen={Role.COMMS: "U002", Role.SCRIBE: "U001"}
    )
    row = commands.submit(services, form)
    assert row is not None
    # The process made the first assignment, then died before the second.
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U001", incident_id=incident.id, chosen={Role.COMMS: "U002"}),
        None,
    )
    _clock(services).advance(timedelta(seconds=11))
    fire_due(services, "scheduler")
    roster = services.view_of(incident.id).roster
    assert (roster.holder(Role.COMMS), roster.holder(Role.SCRIBE)) == ("U002", "U001")
    assigned = _events_of_kind(store, incident.id, EventKind.ROLE_ASSIGNED)
    assert len([text for text in assigned if text.startswith("Communications lead")]) == 1
    assert len([text for text in assigned if text.startswith("Scribe")]) == 1
    assert _state(store, row.id) is ReminderState.DONE
