"""Wrap-up commands nobody applied after the ack (the process died) are applied by the scheduler,
once, as of when they were asked, and the messages they owe are sent once."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.clock import ManualClock
from incidentbot.incident.models import Status
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import fire_due
from incidentbot.wrap_up import action_items, analysis, comms, resolve
from incidentbot.wrap_up.action_item_rules import ActionDraft, ActionState
from incidentbot.wrap_up.analysis_rules import FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace

GOOD = "We're investigating failed logins for some users. The next update will be posted by 14:30 UTC."


def _replay(services: Services) -> None:
    """The caller's 10 s head start has passed: the scheduler takes what is left."""
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(seconds=11))
    fire_due(services, "scheduler")
    fire_due(services, "scheduler")


def test_a_resolve_form_replayed_is_resolved_once_as_of_its_submission(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = declared(services, title="Login failing", impact="Users cannot log in")
    asked_at = services.clock.now()
    started = asked_at - timedelta(minutes=20)
    given = resolve.ResolutionInput("Rolled back", "Logins failed", users_affected=40, started_at=started)
    row = commands.submit(
        services, resolve.ResolveIncident(user_id="U001", incident_id=incident.id, given=given)
    )
    assert row is not None
    workspace.calls.clear()
    _replay(services)
    resolution = store.resolution(incident.id)
    assert resolution is not None and resolution.started_at == started and resolution.users_affected == 40
    assert services.view_of(incident.id).incident.resolved_at == asked_at
    assert store.reminder_rows[row.id].state is ReminderState.DONE
    names = workspace.names()
    assert [names.count(n) for n in ("post_change", "post_resolution", "offer_postmortem")] == [1, 1, 1]


def test_texts_action_items_and_analysis_replayed_are_applied_once(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident = declared(services, title="Login failing", impact="Users cannot log in")
    asked = [
        comms.PostCommsText(
            user_id="U002",
            incident_id=incident.id,
            audience=CommsAudience.CUSTOMER,
            text=GOOD,
            stage=Status.IDENTIFIED,
        ),
        action_items.AddActionItem(
            user_id="U001", incident_id=incident.id, draft=ActionDraft("Add a lock timeout", owner_id="U002")
        ),
        analysis.factor(incident.id, FactorCategory.TOOLING, "Migrations run without a lock timeout", "U001"),
    ]
    rows = [commands.submit(services, command) for command in asked]
    workspace.calls.clear()
    _replay(services)
    with store.transaction() as tx:
        [text] = tx.comms_texts(incident.id)
        [item] = tx.action_items(incident.id)
        [entry] = tx.analysis_entries(incident.id)
    assert (text.stage, text.message_ts is not None) == (Status.IDENTIFIED, True)
    assert entry.category is FactorCategory.TOOLING
    assert [workspace.names().count(n) for n in ("post_comms_text", "post_action_item")] == [1, 1]

    done = commands.submit(
        services, action_items.SetActionState(user_id="U001", item_id=item.id, state=ActionState.DONE)
    )
    _replay(services)
    with store.transaction() as tx:
        marked = tx.action_item(item.id)
    assert marked is not None and not marked.is_open
    assert all(store.reminder_rows[r.id].state is ReminderState.DONE for r in [*rows, done] if r is not None)
