"""The permission rules as the use cases apply them, with each rule on and off."""

from __future__ import annotations

import pytest

from incidentbot.domain.models import EventKind, Incident, Severity
from incidentbot.domain.permissions import Permissions
from incidentbot.domain.policy import Policy
from incidentbot.services import declare, timeline
from incidentbot.services.context import Services


def _relaxed(services: Services, **rules: bool) -> Services:
    policy = Policy(permissions=Permissions(**rules))
    return Services(services.store, services.workspace, policy, services.clock)


def _incident(services: Services) -> Incident:
    """Alice commands, bob is the scribe, carol and dave hold no role."""
    declaration = declare.Declaration(
        "T1", "DB down", Severity.SEV2, "Logins fail", declared_by="U001", scribe="U002"
    )
    return declare.set_up(services, declare.record(services, declaration).id)


def _correction(services: Services) -> timeline.Correction:
    return timeline.Correction("Restarted api-1", services.clock.now(), EventKind.ACTION)


def test_by_default_only_the_commander_and_scribe_correct_the_timeline(services: Services) -> None:
    incident = _incident(services)
    note = timeline.add_note(services, incident, "U003", "Restarted", name="carol").event
    assert not timeline.is_editor(services, incident.id, "U003")
    with pytest.raises(timeline.NotEditor):
        timeline.edit_entry(services, note.id, "U003", _correction(services))
    with pytest.raises(timeline.NotEditor):
        timeline.delete_entry(services, note.id, "U004")
    assert timeline.edit_entry(services, note.id, "U002", _correction(services)).edited


def test_with_the_rule_off_anyone_corrects_the_timeline(services: Services) -> None:
    services = _relaxed(services, commander_or_scribe_edits_timeline=False)
    incident = _incident(services)
    note = timeline.add_note(services, incident, "U003", "Restarted", name="carol").event
    assert timeline.is_editor(services, incident.id, "U004")
    edited = timeline.edit_entry(services, note.id, "U004", _correction(services))
    assert edited.text == "Restarted api-1"
    removed = timeline.delete_entry(services, note.id, "U003")
    assert removed.deleted_at is not None
