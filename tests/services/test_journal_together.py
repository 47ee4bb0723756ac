"""Commands applied together: one unit of work for all, or each alone when together they fail."""

from __future__ import annotations

from incidentbot.declare import service as declare
from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel import commands, journal
from incidentbot.kernel.context import Services
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.timeline import notes
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore
from tests.support.units import applied


def _incident(services: Services) -> Incident:
    decl = declaration(title="Checkout failing", severity=Severity.SEV2, impact="Checkout fails")
    return declare.set_up(services, applied(services, declare.DECLARE, decl).id)


def _accepted(services: Services, channel_id: str, words: str) -> Reminder:
    note = notes.AddNote(channel_id=channel_id, user_id="U002", user_name="bob", words=words)
    return journal.accept(services, JournalKind.NOTE, note)


def _notes(store: MemoryStore, incident: Incident) -> list[str]:
    with store.transaction() as tx:
        return [e.text for e in tx.events(incident.id) if e.source == "note"]


def test_commands_waiting_together_are_applied_in_one_unit_in_their_order(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    channel = incident.channel_id or ""
    said = ("Paged DBA", "Failover started", "Failover done")
    rows = [_accepted(services, channel, words) for words in said]

    assert commands.apply_submitted_together(services, rows, notes.ADD_NOTE) == 1
    assert _notes(store, incident) == ["Paged DBA", "Failover started", "Failover done"]
    assert [store.reminder_rows[row.id].state for row in rows] == [ReminderState.DONE] * 3
    assert commands.apply_submitted_together(services, rows, notes.ADD_NOTE) == 0, "done rows are not taken"
    assert len(_notes(store, incident)) == 3


def test_one_command_that_cannot_apply_costs_the_others_nothing(
    services: Services, store: MemoryStore
) -> None:
    incident = _incident(services)
    channel = incident.channel_id or ""
    rows = [
        _accepted(services, channel, "Paged DBA"),
        _accepted(services, "C0GENERAL", "Not in an incident channel"),
        _accepted(services, channel, "Failover done"),
    ]

    assert commands.apply_submitted_together(services, rows, notes.ADD_NOTE) == 3, "then one by one"
    assert _notes(store, incident) == ["Paged DBA", "Failover done"], "each once, none lost with the bad one"
    states = [store.reminder_rows[row.id].state for row in rows]
    assert states == [ReminderState.DONE, ReminderState.CANCELLED, ReminderState.DONE]
