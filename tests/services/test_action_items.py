from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import Severity
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import Person
from incidentbot.wrap_up import action_items
from incidentbot.wrap_up.action_item_rules import ActionDraft, ActionState, Priority
from incidentbot.wrap_up.errors import ActionItemNotFound, InvalidActionItem
from incidentbot.wrap_up.ports import ActionReminder
from tests.support import wrap_up
from tests.support.declarations import declaration
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.units import applied

TODAY = date(2026, 1, 1)
END_OF_DAY = datetime(2026, 1, 2, tzinfo=UTC)


def _incident(services: Services) -> int:
    declared = declaration(title="Checkout", severity=Severity.SEV2, impact="Checkout fails")
    return applied(services, declare.DECLARE, declared).id


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def _reminders(store: MemoryStore, item_id: int) -> list[tuple[datetime, str]]:
    return [(r.due_at, r.state) for r in store.action_reminders(item_id)]


def test_parse_turns_input_problems_into_answers(services: Services) -> None:
    assert action_items.parse(services, "Add a timeout <@U002> in 7d P1").due_on == date(2026, 1, 8)
    for text, problem in [
        ("Add a timeout due:2025-12-01", "due_in_past:2025-12-01"),
        ("Add a timeout due:someday", "due_unparseable:someday"),
    ]:
        with pytest.raises(InvalidActionItem) as refused:
            action_items.parse(services, text)
        assert refused.value.detail == problem


def test_owner_must_be_a_person_still_here(services: Services, workspace: RecordingWorkspace) -> None:
    workspace.people["U009"] = Person("U009", "zed", deleted=True)
    incident_id = _incident(services)
    for owner, problem in [("U009", "owner_left:zed"), ("U404", "owner_unknown"), ("UBOT", "owner_bot")]:
        with pytest.raises(InvalidActionItem) as refused:
            wrap_up.add_action(services, incident_id, ActionDraft(text="Fix", owner_id=owner), "U001")
        assert refused.value.detail == problem
    assert action_items.items(services, incident_id) == []


def test_a_due_date_in_the_past_is_refused_even_from_a_form(services: Services) -> None:
    incident_id = _incident(services)
    with pytest.raises(InvalidActionItem) as refused:
        wrap_up.add_action(services, incident_id, ActionDraft(text="Fix", due_on=date(2025, 12, 31)), "U001")
    assert refused.value.problem == "due_in_past"


def test_an_owned_dated_item_gets_a_reminder_at_the_end_of_its_due_day(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    draft = ActionDraft(text="Add a lock timeout", owner_id="U002", due_on=TODAY, priority=Priority.P1)
    item = wrap_up.add_action(services, incident_id, draft, "U001")
    assert (item.owner_id, item.priority, item.state) == ("U002", Priority.P1, ActionState.OPEN)
    assert _reminders(store, item.id) == [(END_OF_DAY, "pending")]
    assert workspace.names()[-1] == "post_action_item"
    unowned = wrap_up.add_action(services, incident_id, ActionDraft(text="Someone should look"), "U001")
    assert _reminders(store, unowned.id) == []


def _fire_due_overdue(services: Services, store: MemoryStore) -> int:
    """What the reminders engine does for `action_overdue` rows (tested end to end elsewhere):
    hand each due, pending one to the handler once, then mark it done."""
    now = services.clock.now()
    due = store.pending_action_reminders(now)
    for reminder in due:
        action_items.remind_overdue(services, reminder)
        store.finish_action_reminder(reminder.id, now)
    return len(due)


def test_overdue_items_remind_once_a_day_until_done(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    item = wrap_up.add_action(
        services, incident_id, ActionDraft("Fix", owner_id="U002", due_on=TODAY), "U001"
    )
    clock = _clock(services)
    assert _fire_due_overdue(services, store) == 0

    clock.set(END_OF_DAY + timedelta(minutes=1))
    assert _fire_due_overdue(services, store) == 1
    assert _fire_due_overdue(services, store) == 0, "the same day never fires twice"
    clock.advance(timedelta(hours=23))
    assert _fire_due_overdue(services, store) == 0
    clock.advance(timedelta(hours=1))
    assert _fire_due_overdue(services, store) == 1
    reminded = [payload for name, payload in workspace.calls if name == "remind_action_owner"]
    assert [(i.id, owner) for i, owner in reminded] == [(item.id, "U002"), (item.id, "U002")]

    wrap_up.set_action_state(services, item.id, ActionState.DONE)
    clock.advance(timedelta(days=1))
    assert _fire_due_overdue(services, store) == 1
    assert len([n for n in workspace.names() if n == "remind_action_owner"]) == 2, "done items stay quiet"
    assert [state for _, state in _reminders(store, item.id)] == ["done", "done", "done"]


def test_the_handler_is_safe_to_call_twice_for_one_reminder(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    item = wrap_up.add_action(
        services, incident_id, ActionDraft("Fix", owner_id="U002", due_on=TODAY), "U001"
    )
    _clock(services).set(END_OF_DAY)
    row = store.action_reminders(item.id)[0]
    action_items.remind_overdue(services, row)
    action_items.remind_overdue(services, row)
    assert [due for due, _ in _reminders(store, item.id)] == [END_OF_DAY, END_OF_DAY + timedelta(days=1)]


def test_reminders_stop_when_the_owner_leaves_or_the_item_is_gone(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    item = wrap_up.add_action(
        services, incident_id, ActionDraft("Fix", owner_id="U002", due_on=TODAY), "U001"
    )
    workspace.people["U002"] = Person("U002", "bob", deleted=True)
    action_items.remind_overdue(services, store.action_reminders(item.id)[0])
    action_items.remind_overdue(
        services, ActionReminder(id=999, incident_id=None, subject_id=None, due_at=END_OF_DAY)
    )
    action_items.remind_overdue(
        services, ActionReminder(id=998, incident_id=1, subject_id=12345, due_at=END_OF_DAY)
    )
    assert "remind_action_owner" not in workspace.names()
    assert len(store.action_reminders(item.id)) == 1


def test_reopening_an_overdue_item_restarts_the_daily_reminder(
    services: Services, store: MemoryStore
) -> None:
    incident_id = _incident(services)
    item = wrap_up.add_action(
        services, incident_id, ActionDraft("Fix", owner_id="U002", due_on=TODAY), "U001"
    )
    wrap_up.set_action_state(services, item.id, ActionState.DONE)
    _clock(services).set(END_OF_DAY + timedelta(days=2, hours=5))
    reopened = wrap_up.set_action_state(services, item.id, ActionState.OPEN)
    assert reopened.is_open and reopened.done_at is None
    assert [due for due, _ in _reminders(store, item.id)] == [END_OF_DAY, END_OF_DAY + timedelta(days=3)]
    with pytest.raises(ActionItemNotFound):
        wrap_up.set_action_state(services, 4242, ActionState.DONE)
