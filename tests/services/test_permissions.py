"""The permission rules as the use cases apply them, with each rule on and off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.cadence import post_update, updates
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.changes import service as changes
from incidentbot.incident.models import EventKind, Incident, Role, Severity, Status
from incidentbot.incident.permissions import Permissions
from incidentbot.incident.policy import Policy
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import LoweringNotConfirmed
from incidentbot.roles import service as roles
from incidentbot.timeline import service as timeline
from incidentbot.wrap_up import resolve
from incidentbot.wrap_up.errors import OnlyCommanderResolves
from tests.support import wrap_up
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.notes import add_note
from tests.support.units import applied


def _relaxed(services: Services, **rules: bool) -> Services:
    policy = Policy(permissions=Permissions(**rules))
    return Services(
        services.store,
        services.workspace,
        policy,
        services.clock,
        handlers=services.handlers,
        messages=services.messages,
    )


def _incident(services: Services) -> Incident:
    """Alice commands, bob is the scribe, carol and dave hold no role."""
    return declared(services, title="DB down", severity=Severity.SEV2, impact="Logins fail", scribe="U002")


def _correction(services: Services) -> timeline.Correction:
    return timeline.Correction("Restarted api-1", services.clock.now(), EventKind.ACTION)


def test_by_default_only_the_commander_and_scribe_correct_the_timeline(services: Services) -> None:
    incident = _incident(services)
    note = add_note(services, incident, "U003", "Restarted", name="carol").event
    assert not timeline.is_editor(services, incident.id, "U003")
    with pytest.raises(timeline.NotEditor):
        timeline.edit_entry(services, note.id, "U003", _correction(services))
    with pytest.raises(timeline.NotEditor):
        timeline.delete_entry(services, note.id, "U004")
    assert timeline.edit_entry(services, note.id, "U002", _correction(services)).edited


def test_with_the_rule_off_anyone_corrects_the_timeline(services: Services) -> None:
    services = _relaxed(services, commander_or_scribe_edits_timeline=False)
    incident = _incident(services)
    note = add_note(services, incident, "U003", "Restarted", name="carol").event
    assert timeline.is_editor(services, incident.id, "U004")
    edited = timeline.edit_entry(services, note.id, "U004", _correction(services))
    assert edited.text == "Restarted api-1"
    removed = timeline.delete_entry(services, note.id, "U003")
    assert removed.deleted_at is not None


FIXED = resolve.ResolutionInput(fix="Rolled back", customer_impact="Logins failed for 20 minutes")


def _resolved_update() -> UpdateDraft:
    return UpdateDraft(status=Status.RESOLVED, severity=Severity.SEV2, theory="Fixed by the rollback")


def test_only_the_commander_resolves_on_every_path(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = _incident(services)
    workspace.calls.clear()
    with pytest.raises(OnlyCommanderResolves) as refused:
        resolve.check_resolvable(services, incident.id, "U002")
    assert refused.value.detail == "U001"
    with pytest.raises(OnlyCommanderResolves):
        wrap_up.resolve(services, incident.id, FIXED, "U002")
    with pytest.raises(OnlyCommanderResolves):
        changes.set_status(services, incident.id, Status.RESOLVED, "U003")
    assert updates.problems(services, incident.id, "U002", _resolved_update(), exact_given=False) == {
        updates.Field.STATUS: "only_commander_resolves"
    }
    with pytest.raises(OnlyCommanderResolves):
        applied(
            services,
            post_update.POST_UPDATE,
            post_update.PostUpdate(user_id="U002", incident_id=incident.id, draft=_resolved_update()),
        )
    assert services.view_of(incident.id).incident.status is Status.INVESTIGATING
    assert store.resolution(incident.id) is None
    assert store.updates(incident.id) == []
    assert workspace.calls == []


def test_others_still_change_the_status_short_of_resolving(services: Services) -> None:
    incident = _incident(services)
    assert changes.set_status(services, incident.id, Status.IDENTIFIED, "U003").status is Status.IDENTIFIED
    later = services.clock.now() + timedelta(minutes=30)
    draft = _resolved_update().model_copy(update={"status": Status.MONITORING, "next_update_at": later})
    assert updates.problems(services, incident.id, "U002", draft, exact_given=False) == {}


def test_only_the_commander_reopens(services: Services) -> None:
    incident = _incident(services)
    wrap_up.resolve(services, incident.id, FIXED, "U001")
    with pytest.raises(OnlyCommanderResolves):
        changes.set_status(services, incident.id, Status.INVESTIGATING, "U002")
    assert services.view_of(incident.id).incident.status is Status.RESOLVED
    reopened = changes.set_status(services, incident.id, Status.INVESTIGATING, "U001")
    assert reopened.status is Status.INVESTIGATING and reopened.resolved_at is None


def test_a_new_commander_resolves_and_the_old_one_may_not(services: Services) -> None:
    incident = _incident(services)
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U001", incident_id=incident.id, chosen={Role.COMMANDER: "U002"}),
        None,
    )
    with pytest.raises(OnlyCommanderResolves) as refused:
        resolve.check_resolvable(services, incident.id, "U001")
    assert refused.value.detail == "U002"
    assert wrap_up.resolve(services, incident.id, FIXED, "U002").resolved_by == "U002"


def test_with_the_rule_off_anyone_resolves_and_reopens(services: Services, store: MemoryStore) -> None:
    services = _relaxed(services, commander_only_resolves=False)
    incident = _incident(services)
    assert resolve.check_resolvable(services, incident.id, "U004").id == incident.id
    assert wrap_up.resolve(services, incident.id, FIXED, "U004").resolved_by == "U004"
    changes.set_status(services, incident.id, Status.INVESTIGATING, "U003")
    assert updates.problems(services, incident.id, "U002", _resolved_update(), exact_given=False) == {}
    applied(
        services,
        post_update.POST_UPDATE,
        post_update.PostUpdate(user_id="U002", incident_id=incident.id, draft=_resolved_update()),
    )
    assert services.view_of(incident.id).incident.status is Status.RESOLVED


def test_lowering_a_sev2_without_a_role_applies_only_when_confirmed(services: Services) -> None:
    incident = _incident(services)
    with pytest.raises(LoweringNotConfirmed) as refused:
        changes.set_severity(services, incident.id, Severity.SEV3, "U003")
    assert refused.value.detail == "U001", "the refusal names the commander, who may change it"
    assert services.view_of(incident.id).incident.severity is Severity.SEV2
    lowered = changes.set_severity(services, incident.id, Severity.SEV3, "U003", confirmed=True)
    assert lowered.severity is Severity.SEV3


def test_a_role_holder_lowers_without_confirming_and_the_rule_can_be_off(services: Services) -> None:
    incident = _incident(services)
    assert changes.set_severity(services, incident.id, Severity.SEV3, "U002").severity is Severity.SEV3
    relaxed = _relaxed(services, confirm_severity_lowering_without_role=False)
    assert changes.set_severity(relaxed, incident.id, Severity.SEV4, "U003").severity is Severity.SEV4
