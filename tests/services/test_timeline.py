"""Timeline use cases against the in-memory store and a recording workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.incident.models import EventKind, Incident, Role
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox_kinds import CALLER_FIRST, OutboxKind
from incidentbot.kernel.ports import ChannelMessage
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline import service as timeline
from incidentbot.timeline.capture import Marked, Outcome
from incidentbot.timeline.rules import PENDING_TEXT, ClockTime
from tests.support import reminder_rows
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.notes import add_note

TS = "1767268680.000100"  # 2026-01-01 11:58:00.0001 UTC


def _incident(services: Services) -> Incident:
    return declared(services, scribe="U002")


def _message(text: str = "Rolled back", ts: str = TS) -> ChannelMessage:
    return ChannelMessage(ts=ts, author_id="U002", author_name="bob", text=text)


def test_capture_records_the_message_and_confirms(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    assert incident.channel_id
    workspace.messages[(incident.channel_id, TS)] = _message()
    result = timeline_capture.capture(services, Marked(incident.channel_id, TS, "U003", "U002"))
    assert result.outcome is Outcome.CAPTURED and result.event is not None
    assert result.event.occurred_at == datetime(2026, 1, 1, 11, 58, 0, 100, tzinfo=UTC)
    assert result.event.recorded_at == services.clock.now()
    assert result.event.permalink and result.event.kind is EventKind.OTHER
    assert workspace.names()[-1] == "mark_captured"
    again = timeline_capture.capture(services, Marked(incident.channel_id, TS, "U004", "U002"))
    assert again.outcome is Outcome.CAPTURED and again.event == result.event
    assert [e.text for e in store.events(incident.id)].count("Rolled back") == 1


def test_capture_elsewhere_does_nothing(services: Services, workspace: RecordingWorkspace) -> None:
    _incident(services)
    before = list(workspace.calls)
    assert timeline_capture.capture(services, Marked("COTHER", TS, "U003")).outcome is Outcome.NOT_INCIDENT
    assert workspace.calls == before


def test_a_gone_message_is_not_recorded(services: Services, store: MemoryStore) -> None:
    incident = _incident(services)
    assert incident.channel_id
    result = timeline_capture.capture(services, Marked(incident.channel_id, TS, "U003"))
    assert result.outcome is Outcome.GONE
    assert [e.kind for e in store.events(incident.id)] == [EventKind.DECLARED]
    removed = store.event_for_message(incident.id, TS)
    assert removed is not None and removed.deleted_at == services.clock.now()


def test_unavailable_slack_records_what_is_known_then_fills_in(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    assert incident.channel_id
    workspace.failing.add("message")
    pending = timeline_capture.capture(services, Marked(incident.channel_id, TS, "U003", "U002"))
    assert pending.outcome is Outcome.PENDING and pending.event is not None
    assert (pending.event.text, pending.event.actor_id, pending.event.actor_name) == (
        PENDING_TEXT,
        "U002",
        "bob",
    )
    # Still failing: another capture leaves it waiting, and says so.
    again = timeline_capture.capture(services, Marked(incident.channel_id, TS, "U004", "U002"))
    assert again.outcome is Outcome.PENDING
    workspace.failing.clear()
    workspace.messages[(incident.channel_id, TS)] = _message("Cache flushed")
    assert timeline_capture.refetch_unfetched(services, incident) == 1
    filled = store.event_for_message(incident.id, TS)
    assert filled is not None and filled.text == "Cache flushed" and filled.permalink


def test_a_pending_entry_whose_message_vanished_is_removed(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    assert incident.channel_id
    workspace.failing.add("message")
    timeline_capture.capture(services, Marked(incident.channel_id, TS, "U003", "U002"))
    workspace.failing.clear()
    timeline_capture.refetch_unfetched(services, incident)
    entry = store.event_for_message(incident.id, TS)
    assert entry is not None and entry.deleted_at == services.clock.now()


def test_release_keeps_the_entry_while_someone_still_marks_it(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    channel = incident.channel_id
    assert channel
    workspace.messages[(channel, TS)] = _message()
    timeline_capture.capture(services, Marked(channel, TS, "U003"))
    workspace.marks[(channel, TS)] = 1
    assert timeline_capture.release(services, channel, TS) is None
    workspace.marks[(channel, TS)] = 0
    removed = timeline_capture.release(services, channel, TS)
    assert removed is not None and removed.deleted_at == services.clock.now()
    assert workspace.names()[-1] == "unmark_captured"
    workspace.failing.add("timeline_reactions")
    assert timeline_capture.release(services, channel, TS) is None, "already removed"


def test_release_never_removes_a_shortcut_entry(services: Services, store: MemoryStore) -> None:
    incident = _incident(services)
    assert incident.channel_id
    entry = timeline.MessageEntry(
        incident.id,
        incident.channel_id,
        TS,
        "Reworded",
        services.clock.now(),
        EventKind.DECISION,
        "U002",
        "bob",
    )
    timeline.save_message_entry(services, entry)
    assert timeline_capture.release(services, incident.channel_id, TS) is None
    assert store.event_for_message(incident.id, TS) is not None


def test_notes_at_a_clock_time_and_in_the_future(services: Services, workspace: RecordingWorkspace) -> None:
    incident = _incident(services)
    workspace.people["U001"] = workspace.people["U001"].__class__("U001", "alice", tz="Asia/Kolkata")
    added = add_note(services, incident, "U001", "Failover done", ClockTime(17, 0))
    assert added.zone_name == "Asia/Kolkata"
    assert added.event.occurred_at == datetime(2026, 1, 1, 11, 30, tzinfo=UTC)
    with pytest.raises(timeline.TimeInFuture):
        add_note(services, incident, "U001", "Later", ClockTime(17, 31))


def test_only_commander_and_scribe_edit(services: Services, store: MemoryStore) -> None:
    incident = _incident(services)
    note = add_note(services, incident, "U003", "Restarted", name="carol").event
    change = timeline.Correction(
        "Restarted api-1", services.clock.now() - timedelta(minutes=5), EventKind.ACTION
    )
    with pytest.raises(timeline.NotEditor):
        timeline.edit_entry(services, note.id, "U003", change)
    edited = timeline.edit_entry(services, note.id, "U002", change)  # the scribe
    assert edited.edited and edited.text == "Restarted api-1"
    correction = store.events(incident.id)[-1]
    assert correction.kind is EventKind.TIMELINE_CORRECTED and correction.actor_id == "U002"
    assert "text was “Restarted”" in correction.text and "kind was note" in correction.text
    timeline.delete_entry(services, note.id, "U001")  # the commander
    with pytest.raises(timeline.EntryNotFound):
        timeline.delete_entry(services, note.id, "U001")
    with pytest.raises(timeline.EntryNotFound):
        timeline.entry_for_editing(services, correction.id, "U001")


def test_a_new_commander_may_edit_and_the_old_may_not(services: Services) -> None:
    incident = _incident(services)
    note = add_note(services, incident, "U001", "Note", name="alice").event
    with services.store.transaction() as tx:
        tx.assign_role(incident.id, Role.COMMANDER, "U004", "U001", services.clock.now())
    assert timeline.is_editor(services, incident.id, "U004")
    assert not timeline.is_editor(services, incident.id, "U001")
    with pytest.raises(timeline.NotEditor):
        timeline.delete_entry(services, note.id, "U001")


def test_with_names_fills_in_missing_names(services: Services, workspace: RecordingWorkspace) -> None:
    incident = _incident(services)
    with services.store.transaction() as tx:
        events = tx.events(incident.id)
    nameless = [e.model_copy(update={"actor_name": None}) for e in events * 3]
    named = timeline.with_names(services, nameless)
    assert {e.actor_name for e in named} == {"alice"}


def test_an_edit_that_changes_nothing_records_nothing(services: Services, store: MemoryStore) -> None:
    incident = _incident(services)
    services.clock.advance(timedelta(microseconds=250))  # type: ignore[attr-defined]
    note = add_note(services, incident, "U003", "Restarted", name="carol").event
    whole_seconds = note.occurred_at.replace(microsecond=0)
    assert whole_seconds != note.occurred_at
    same = timeline.Correction("Restarted ", whole_seconds, EventKind.NOTE)
    assert timeline.edit_entry(services, note.id, "U001", same) == note
    assert [e.kind for e in store.events(incident.id)][-1] is EventKind.NOTE, "no correction recorded"


def test_a_mark_is_recorded_with_its_event_id_and_a_repeat_adds_nothing(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    assert incident.channel_id
    marked = Marked(incident.channel_id, TS, "U003", "U002")
    before = len(workspace.calls)
    row = timeline_capture.mark(services, marked, "Ev1")
    assert row is not None and row.kind == OutboxKind.CAPTURE
    entry = store.event_for_message(incident.id, TS)
    assert entry is not None and (entry.text, entry.actor_id) == (PENDING_TEXT, "U002")
    assert len(workspace.calls) == before, "nothing is asked of Slack before the acknowledgement"
    assert timeline_capture.mark(services, marked, "Ev1") is None
    assert len(reminder_rows.outbox(store.reminders(incident.id), OutboxKind.CAPTURE)) == 1


def test_a_mark_left_behind_by_a_dead_process_is_captured_by_the_scheduler(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    assert incident.channel_id and isinstance(services.clock, ManualClock)
    workspace.messages[(incident.channel_id, TS)] = _message("Failover started")
    assert timeline_capture.mark(services, Marked(incident.channel_id, TS, "U003", "U002"), "Ev2")
    assert fire_due(services, "w1").delivered == 0, "left to the thread that recorded it at first"
    services.clock.advance(CALLER_FIRST)
    assert fire_due(services, "w1").delivered == 1
    entry = store.event_for_message(incident.id, TS)
    assert entry is not None and entry.text == "Failover started" and entry.permalink
    assert workspace.names()[-1] == "mark_captured"
    assert fire_due(services, "w1").delivered == 0


def test_a_mark_whose_reaction_was_taken_off_first_is_not_fetched(
    services: Services, workspace: RecordingWorkspace, store: MemoryStore
) -> None:
    incident = _incident(services)
    channel = incident.channel_id
    assert channel
    row = timeline_capture.mark(services, Marked(channel, TS, "U003", "U002"), None)
    assert row is not None
    workspace.marks[(channel, TS)] = 0
    assert timeline_capture.release(services, channel, TS) is not None
    assert timeline_capture.capture_now(services, row).outcome is Outcome.GONE
    assert "message" not in workspace.names()
    assert [r.state for r in reminder_rows.outbox(store.reminders(incident.id), OutboxKind.CAPTURE)] == [
        ReminderState.CANCELLED
    ]
