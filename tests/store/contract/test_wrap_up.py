"""What wrap-up keeps, as every store keeps it: resolution, texts, action items, analysis."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from incidentbot.incident.models import Status
from incidentbot.kernel.ports import Store
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.wrap_up.action_item_rules import ActionState, Priority
from incidentbot.wrap_up.analysis_rules import AnalysisKind, FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience, StoredFinding
from incidentbot.wrap_up.ports import ACTION_OVERDUE, NewActionItem, NewAnalysisEntry, NewCommsText
from incidentbot.wrap_up.resolution_rules import Resolution
from tests.store.contract.builders import MINUTE, NOW, Boom, declared

DAY = 24 * 60 * MINUTE
FINDING = StoredFinding(rule="speculation", start=0, end=8, text="probably", message="Say what you know.")


def _resolution(incident_id: int, fix: str = "Rolled back") -> Resolution:
    return Resolution(
        incident_id=incident_id,
        resolved_by="U001",
        resolved_at=NOW + 40 * MINUTE,
        fix=fix,
        customer_impact="Payments failed for 40 minutes",
        users_affected=1200,
        root_cause="A config change",
        started_at=NOW - 5 * MINUTE,
    )


def _text(
    incident_id: int, audience: CommsAudience, minutes: int, words: str = "We are investigating."
) -> NewCommsText:
    return NewCommsText(
        incident_id, audience, Status.INVESTIGATING, words, "U002", NOW + minutes * MINUTE, (FINDING,)
    )


def _item(incident_id: int, text: str = "Add a canary", **fields: Any) -> NewActionItem:
    return NewActionItem(incident_id, text, "U001", NOW, **fields)


def test_a_resolution_is_read_back_and_replaced_when_resolved_again(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        assert tx.resolution(incident.id) is None
        first = tx.save_resolution(_resolution(incident.id))
        assert first == _resolution(incident.id)
        tx.save_resolution(_resolution(other.id, "Other fix"))
    again = _resolution(incident.id, "Fixed the config").model_copy(
        update={"users_affected": None, "started_at": None}
    )
    with store.transaction() as tx:
        assert tx.save_resolution(again) == again
    with store.transaction() as tx:
        assert tx.resolution(incident.id) == again
        assert tx.resolution(other.id) == _resolution(other.id, "Other fix")


def test_texts_for_each_audience_come_in_the_order_they_were_written(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        later = tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 10, "Fixed."))
        stakeholder = tx.add_comms_text(_text(incident.id, CommsAudience.STAKEHOLDER, 5))
        earlier = tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 0))
        tx.add_comms_text(_text(other.id, CommsAudience.CUSTOMER, 0))
    with store.transaction() as tx:
        assert tx.comms_texts(incident.id, CommsAudience.CUSTOMER) == [earlier, later]
        assert tx.comms_texts(incident.id) == [earlier, stakeholder, later]
        assert tx.comms_texts(incident.id, CommsAudience.EXECUTIVE) == []
    assert (earlier.audience, earlier.stage, earlier.text, earlier.author_id) == (
        CommsAudience.CUSTOMER,
        Status.INVESTIGATING,
        "We are investigating.",
        "U002",
    )
    assert (earlier.created_at, earlier.findings, earlier.message_ts) == (NOW, (FINDING,), None)


def test_a_posted_text_records_its_message(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        posted = tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 0))
        draft = tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 1))
        tx.set_comms_message(posted.id, "1700000000.000100")
        assert tx.comms_texts(incident.id) == [
            posted.model_copy(update={"message_ts": "1700000000.000100"}),
            draft,
        ]


def test_an_action_item_is_read_back_open_with_its_defaults(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        plain = tx.add_action_item(_item(incident.id))
        full = tx.add_action_item(
            _item(
                incident.id,
                "Alert on error rate",
                owner_id="U003",
                due_on=date(2026, 3, 21),
                priority=Priority.P1,
                success_metric="Paged within 2 minutes",
            )
        )
        tx.add_action_item(_item(other.id))
    with store.transaction() as tx:
        assert tx.action_items(incident.id) == [plain, full]
        assert tx.action_item(full.id) == full
        assert tx.action_item(full.id + 1000) is None
    assert (plain.owner_id, plain.due_on, plain.priority, plain.success_metric) == (
        None,
        None,
        Priority.P2,
        "",
    )
    assert (plain.state, plain.created_by, plain.created_at, plain.done_at) == (
        ActionState.OPEN,
        "U001",
        NOW,
        None,
    )
    assert (full.owner_id, full.due_on, full.priority) == ("U003", date(2026, 3, 21), Priority.P1)


def test_an_action_item_is_done_with_its_time_and_reopened_without(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        item = tx.add_action_item(_item(incident.id))
        done = tx.set_action_state(item.id, ActionState.DONE, NOW + DAY)
        assert done == item.model_copy(update={"state": ActionState.DONE, "done_at": NOW + DAY})
        assert tx.action_item(item.id) == done
        assert tx.set_action_state(item.id, ActionState.OPEN, None) == item
        assert tx.set_action_state(item.id + 1000, ActionState.DONE, NOW) is None


def test_an_overdue_reminder_is_kept_once_a_day_in_the_shared_queue(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        item = tx.add_action_item(_item(incident.id, owner_id="U003", due_on=date(2026, 3, 14)))
        assert tx.schedule_action_reminder(item, NOW + 2 * DAY) is True
        assert tx.schedule_action_reminder(item, NOW + DAY) is True
        assert tx.schedule_action_reminder(item, NOW + DAY) is False
        reminders = tx.action_reminders(item.id)
        assert [(r.due_at, r.state, r.kind, r.subject_id, r.incident_id) for r in reminders] == [
            (NOW + DAY, "pending", ACTION_OVERDUE, item.id, incident.id),
            (NOW + 2 * DAY, "pending", ACTION_OVERDUE, item.id, incident.id),
        ]
        queued = tx.reminders(incident.id)
        assert [(r.id, r.kind, r.subject_id, r.due_at) for r in queued] == [
            (r.id, ACTION_OVERDUE, item.id, r.due_at) for r in reminders
        ]
        [taken] = tx.claim_reminders("w1", NOW + DAY, NOW + DAY + MINUTE, 10)
        assert (taken.id, taken.claimed_by) == (reminders[0].id, "w1")
        tx.finish_reminder(taken.id, "w1", ReminderState.DONE, NOW + DAY)
        assert [r.state for r in tx.action_reminders(item.id)] == ["done", "pending"]


def test_analysis_entries_come_in_the_order_they_were_written(store: Store) -> None:
    incident, other = declared(store), declared(store)
    whys = {"problem": "Checkout failed", "whys": ["A config change"], "root_cause": "No review"}
    with store.transaction() as tx:
        later = tx.add_analysis_entry(
            NewAnalysisEntry(incident.id, AnalysisKind.FIVE_WHYS, whys, "U002", NOW + MINUTE)
        )
        factor = tx.add_analysis_entry(
            NewAnalysisEntry(
                incident.id, AnalysisKind.FACTOR, {"text": "No canary"}, "U002", NOW, FactorCategory.TOOLING
            )
        )
        tx.add_analysis_entry(
            NewAnalysisEntry(other.id, AnalysisKind.WENT_WELL, {"text": "Fast"}, "U002", NOW)
        )
    with store.transaction() as tx:
        assert tx.analysis_entries(incident.id) == [factor, later]
    assert (later.kind, later.category, later.content, later.author_id) == (
        AnalysisKind.FIVE_WHYS,
        None,
        whys,
        "U002",
    )
    assert (factor.category, factor.content, factor.created_at) == (
        FactorCategory.TOOLING,
        {"text": "No canary"},
        NOW,
    )


def test_a_failed_transaction_leaves_no_wrap_up_behind(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        item = tx.add_action_item(_item(incident.id))
        text = tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 0))
    with pytest.raises(Boom), store.transaction() as tx:
        tx.save_resolution(_resolution(incident.id))
        tx.add_comms_text(_text(incident.id, CommsAudience.CUSTOMER, 1))
        tx.set_comms_message(text.id, "1700000000.000100")
        tx.add_action_item(_item(incident.id, "Never written"))
        tx.set_action_state(item.id, ActionState.DONE, NOW)
        tx.schedule_action_reminder(item, NOW + DAY)
        tx.add_analysis_entry(
            NewAnalysisEntry(incident.id, AnalysisKind.WENT_WELL, {"text": "x"}, "U002", NOW)
        )
        raise Boom
    with store.transaction() as tx:
        assert tx.resolution(incident.id) is None
        assert tx.comms_texts(incident.id) == [text]
        assert tx.action_items(incident.id) == [item]
        assert tx.action_reminders(item.id) == []
        assert tx.reminders(incident.id) == []
        assert tx.analysis_entries(incident.id) == []
