"""A channel that refuses the bot for good: told once, never retried, and nothing else held up."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import Role, SetupState, Severity
from incidentbot.kernel.context import Services
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import fire_due
from tests.support import reminder_rows
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.units import applied


def _advance(services: Services, minutes: float) -> None:
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=minutes))


def test_a_refused_announcement_is_reported_once_and_the_setup_finishes(
    services: Services, workspace: RecordingWorkspace
) -> None:
    workspace.refusing["announce"] = ("CANNOUNCE", "not_in_channel")
    incident = declare.set_up(services, applied(services, declare.DECLARE, declaration(comms="U002")).id)
    assert incident.setup_state is SetupState.READY
    assert (incident.announcement_channel_id, incident.announcement_ts) == ("CANNOUNCE", None)
    reports = [p for n, p in workspace.calls if n == "report_announcement_refused"]
    assert reports == [("U001", "CANNOUNCE", "not_in_channel")]
    assert [p for n, p in workspace.calls if n == "send_role_checklist"] == [(Role.COMMS, "U002")]
    _advance(services, minutes=60)
    fire_due(services, "scheduler")
    declare.set_up(services, incident.id)
    assert [n for n, _ in workspace.calls].count("report_announcement_refused") == 1


def test_a_refused_announcement_edit_does_not_hold_up_the_summary(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = declare.set_up(services, applied(services, declare.DECLARE, declaration()).id)
    workspace.calls.clear()
    workspace.refusing["refresh_announcement"] = ("CANNOUNCE", "not_in_channel")
    changes.set_severity(services, incident.id, Severity.SEV2, "U001")
    syncs = reminder_rows.outbox(store.reminders(incident.id), OutboxKind.SYNC_SUMMARY)
    assert [r.state for r in syncs] == [ReminderState.DONE], "a refusal for good is not retried"
    assert "refresh_summary" in [n for n, _ in workspace.calls]
