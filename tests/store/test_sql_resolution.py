"""The SQL side of resolutions, action items and their reminders, comms texts and analysis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest

from incidentbot.incident.models import EventKind, Severity, Status
from incidentbot.kernel.ports import NewEvent, NewIncident
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.wrap_up.action_item_rules import ActionState, Priority
from incidentbot.wrap_up.analysis_rules import AnalysisKind, FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience, StoredFinding
from incidentbot.wrap_up.ports import NewActionItem, NewAnalysisEntry, NewCommsText
from incidentbot.wrap_up.resolution_rules import Resolution
from tests.support.comms_rows import add_commitment, add_update

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> SqlStore:
    engine = make_engine(database_url)
    migrate(engine)
    return SqlStore(engine)


@pytest.fixture
def incident_id(store: SqlStore) -> int:
    with store.transaction() as tx:
        new = NewIncident("T1", "Checkout", Severity.SEV1, "Fails", False, "U1", NOW, None)
        return tx.add_incident(new).id


def test_a_resolution_is_replaced_not_duplicated(store: SqlStore, incident_id: int) -> None:
    first = Resolution(
        incident_id=incident_id, resolved_by="U1", resolved_at=NOW, fix="a", customer_impact="b"
    )
    with store.transaction() as tx:
        tx.save_resolution(first)
    again = first.model_copy(
        update={"fix": "c", "users_affected": 5, "started_at": NOW - timedelta(minutes=3)}
    )
    with store.transaction() as tx:
        assert tx.save_resolution(again) == again
        assert tx.resolution(incident_id) == again
        assert tx.resolution(incident_id + 1) is None


def test_one_reminder_per_item_and_day_even_when_raced(store: SqlStore, incident_id: int) -> None:
    with store.transaction() as tx:
        item = tx.add_action_item(
            NewActionItem(
                incident_id, "Fix", "U1", NOW, owner_id="U2", due_on=date(2026, 1, 3), priority=Priority.P1
            )
        )
    due = datetime(2026, 1, 4, tzinfo=UTC)

    def schedule(_: int) -> bool:
        with store.transaction() as tx:
            return tx.schedule_action_reminder(item, due)

    with ThreadPoolExecutor(6) as pool:
        created = list(pool.map(schedule, range(12)))
    assert created.count(True) == 1
    with store.transaction() as tx:
        assert tx.schedule_action_reminder(item, due + timedelta(days=1))
        [claimed] = tx.claim_reminders("worker", due, due + timedelta(minutes=1), 10)
        assert (claimed.kind, claimed.due_at) == ("action_overdue", due)
        assert tx.finish_reminder(claimed.id, "worker", ReminderState.DONE, due)
        assert [(r.due_at, r.state) for r in tx.action_reminders(item.id)] == [
            (due, "done"),
            (due + timedelta(days=1), "pending"),
        ]


def test_action_items_round_trip(store: SqlStore, incident_id: int) -> None:
    with store.transaction() as tx:
        item = tx.add_action_item(NewActionItem(incident_id, "Fix", "U1", NOW, due_on=date(2026, 2, 1)))
        done = tx.set_action_state(item.id, ActionState.DONE, NOW)
        assert done is not None and done.done_at == NOW and done.due_on == date(2026, 2, 1)
        assert tx.set_action_state(999_999, ActionState.DONE, NOW) is None
        assert [i.id for i in tx.action_items(incident_id)] == [item.id]


def test_comms_texts_keep_findings_and_order(store: SqlStore, incident_id: int) -> None:
    finding = StoredFinding(rule="jargon", start=4, end=8, text="OOM", message="m", suggestion="s")
    with store.transaction() as tx:
        later = tx.add_comms_text(
            NewCommsText(
                incident_id, CommsAudience.CUSTOMER, Status.IDENTIFIED, "b", "U1", NOW + timedelta(minutes=1)
            )
        )
        first = tx.add_comms_text(
            NewCommsText(
                incident_id, CommsAudience.CUSTOMER, Status.INVESTIGATING, "a", "U1", NOW, (finding,)
            )
        )
        tx.add_comms_text(
            NewCommsText(incident_id, CommsAudience.STAKEHOLDER, Status.IDENTIFIED, "c", "U1", NOW)
        )
        tx.set_comms_message(first.id, "1.23")
    with store.transaction() as tx:
        customer = tx.comms_texts(incident_id, CommsAudience.CUSTOMER)
        assert [t.id for t in customer] == [first.id, later.id]
        assert customer[0].findings == (finding,) and customer[0].message_ts == "1.23"
        assert len(tx.comms_texts(incident_id)) == 3


def test_analysis_and_the_update_records(store: SqlStore, incident_id: int) -> None:
    with store.transaction() as tx:
        tx.add_analysis_entry(
            NewAnalysisEntry(
                incident_id, AnalysisKind.FACTOR, {"text": "x"}, "U1", NOW, FactorCategory.EXTERNAL
            )
        )
        [entry] = tx.analysis_entries(incident_id)
        assert (entry.category, entry.text) == (FactorCategory.EXTERNAL, "x")
        tx.add_event(NewEvent(incident_id, EventKind.NAG, "nag", NOW))
    add_update(store, incident_id, NOW + timedelta(minutes=20), next_update_at=NOW + timedelta(minutes=50))
    add_update(store, incident_id, NOW + timedelta(minutes=5))
    add_commitment(store, incident_id, NOW + timedelta(minutes=15), "met", made_at=NOW)
    with store.transaction() as tx:
        assert [u.posted_at for u in tx.updates(incident_id)] == [
            NOW + timedelta(minutes=5),
            NOW + timedelta(minutes=20),
        ]
        assert [c.state for c in tx.commitments(incident_id)] == ["met"]
        assert tx.count_events(incident_id, EventKind.NAG) == 1
        assert [i.id for i in tx.incidents_declared_since("T1", NOW)] == [incident_id]
        assert tx.incidents_declared_since("T1", NOW + timedelta(seconds=1)) == []
        assert [i.id for i in tx.incidents_numbered(1)] == [incident_id]
