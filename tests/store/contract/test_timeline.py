"""Timeline entries, as every store keeps them."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest

from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import NewEvent, Store
from incidentbot.timeline.rules import PENDING_TEXT, EventSource
from tests.store.contract.builders import MINUTE, NOW, Boom, declared


def _capture(incident_id: int, ts: str, text: str = PENDING_TEXT) -> NewEvent:
    return NewEvent(incident_id, EventKind.OTHER, text, NOW, message_ts=ts, source=EventSource.REACTION)


def test_an_entry_is_read_back_with_every_field_and_recorded_when_it_happened(store: Store) -> None:
    incident = declared(store)
    new = NewEvent(
        incident.id,
        EventKind.NOTE,
        "Rolled back the deploy",
        NOW,
        actor_id="U002",
        actor_name="bob",
        message_ts="1700000000.000100",
        permalink="https://example.slack.com/archives/C1/p1700000000000100",
        source=EventSource.NOTE,
    )
    with store.transaction() as tx:
        added = tx.add_event(new)
    assert added is not None
    with store.transaction() as tx:
        assert tx.events(incident.id) == [added]
        assert tx.get_event(added.id) == added
    assert (added.kind, added.text, added.occurred_at, added.recorded_at) == (
        EventKind.NOTE,
        "Rolled back the deploy",
        NOW,
        NOW,
    )
    assert (added.actor_id, added.actor_name, added.message_ts, added.permalink, added.source) == (
        "U002",
        "bob",
        "1700000000.000100",
        new.permalink,
        "note",
    )
    assert (added.edited, added.deleted_at) == (False, None)


def test_an_entry_written_later_keeps_when_it_was_recorded(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        late = tx.add_event(
            NewEvent(incident.id, EventKind.NOTE, "at 14:00", NOW - 5 * MINUTE, recorded_at=NOW)
        )
    assert late is not None and (late.occurred_at, late.recorded_at) == (NOW - 5 * MINUTE, NOW)


def test_an_entry_s_times_come_back_in_utc(store: Store) -> None:
    incident = declared(store)
    new_york = timezone(timedelta(hours=-5))
    with store.transaction() as tx:
        added = tx.add_event(
            NewEvent(incident.id, EventKind.NOTE, "typed in New York", NOW.astimezone(new_york))
        )
        assert added is not None
        edited = tx.update_event(added.model_copy(update={"deleted_at": (NOW + MINUTE).astimezone(new_york)}))
    assert (added.occurred_at, added.recorded_at, edited.deleted_at) == (NOW, NOW, NOW + MINUTE)
    assert {
        added.occurred_at.tzinfo,
        added.recorded_at and added.recorded_at.tzinfo,
        edited.deleted_at and edited.deleted_at.tzinfo,
    } == {UTC}


def test_entries_come_in_time_order_and_in_written_order_at_one_time(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        for text, at in (("third", NOW + MINUTE), ("first", NOW), ("second", NOW), ("zeroth", NOW - MINUTE)):
            tx.add_event(NewEvent(incident.id, EventKind.NOTE, text, at))
    with store.transaction() as tx:
        assert [e.text for e in tx.events(incident.id)] == ["zeroth", "first", "second", "third"]


def test_one_message_is_one_entry_per_incident(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        assert tx.add_event(_capture(incident.id, "1700000000.000100")) is not None
        assert tx.add_event(_capture(incident.id, "1700000000.000100", "again")) is None
        assert tx.add_event(_capture(other.id, "1700000000.000100")) is not None
        for _ in range(2):
            assert tx.add_event(NewEvent(incident.id, EventKind.NOTE, "no message", NOW)) is not None
    with store.transaction() as tx:
        assert [e.text for e in tx.events(incident.id)] == [PENDING_TEXT, "no message", "no message"]


def test_an_edit_writes_back_what_a_person_may_change_and_nothing_else(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        added = tx.add_event(_capture(incident.id, "1700000000.000100"))
    assert added is not None
    edited = added.model_copy(
        update={
            "occurred_at": NOW - 3 * MINUTE,
            "kind": EventKind.MITIGATION,
            "text": "Failed over to the standby",
            "actor_id": "U003",
            "actor_name": "carol",
            "permalink": "https://example.slack.com/archives/C1/p1",
            "source": EventSource.SHORTCUT,
            "edited": True,
        }
    )
    identity = {"incident_id": incident.id + 1, "message_ts": "1.2", "recorded_at": NOW + MINUTE}
    with store.transaction() as tx:
        saved = tx.update_event(edited.model_copy(update=identity))
    assert saved == edited
    with store.transaction() as tx:
        assert tx.get_event(added.id) == edited
        assert tx.event_for_message(incident.id, "1700000000.000100") == edited


def test_a_removed_entry_leaves_the_timeline_and_its_counts_but_is_still_found(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        kept = tx.add_event(NewEvent(incident.id, EventKind.NOTE, "kept", NOW))
        gone = tx.add_event(_capture(incident.id, "1700000000.000100", "gone"))
        nag = tx.add_event(NewEvent(incident.id, EventKind.NAG, "nag", NOW))
    assert kept is not None and gone is not None
    removed = gone.model_copy(update={"kind": EventKind.NOTE, "deleted_at": NOW + MINUTE})
    with store.transaction() as tx:
        tx.update_event(removed)
        assert tx.events(incident.id) == [kept, nag]
        assert tx.count_events(incident.id, EventKind.NOTE) == 1
        assert tx.count_events(incident.id, EventKind.NAG) == 1
        assert tx.count_events(incident.id, EventKind.ESCALATION) == 0
        assert tx.event_for_message(incident.id, "1700000000.000100") == removed
        assert tx.get_event(gone.id) == removed
        assert tx.add_event(_capture(incident.id, "1700000000.000100")) is None, (
            "a removed mark stays removed"
        )


def test_nothing_is_found_for_an_unknown_entry_or_message(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        added = tx.add_event(_capture(incident.id, "1700000000.000100"))
        assert added is not None
        assert tx.get_event(added.id + 1000) is None
        assert tx.event_for_message(incident.id, "1700000000.999999") is None
        assert tx.event_for_message(incident.id + 1000, "1700000000.000100") is None


def test_counts_are_per_incident(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        for target in (incident, other, other):
            tx.add_event(NewEvent(target.id, EventKind.SNOOZE, "snoozed", NOW))
        assert (
            tx.count_events(incident.id, EventKind.SNOOZE),
            tx.count_events(other.id, EventKind.SNOOZE),
        ) == (1, 2)


def test_unfetched_captures_are_the_waiting_marks_oldest_first_up_to_a_limit(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        first = tx.add_event(_capture(incident.id, "1.1"))
        tx.add_event(_capture(incident.id, "1.2", "fetched already"))
        second = tx.add_event(_capture(incident.id, "1.3"))
        third = tx.add_event(_capture(incident.id, "1.4"))
        removed = tx.add_event(_capture(incident.id, "1.5"))
        tx.add_event(NewEvent(incident.id, EventKind.NOTE, PENDING_TEXT, NOW, source=EventSource.SHORTCUT))
        tx.add_event(_capture(other.id, "1.6"))
        assert removed is not None
        tx.update_event(removed.model_copy(update={"deleted_at": NOW}))
        assert tx.unfetched_captures(incident.id, 10) == [first, second, third]
        assert tx.unfetched_captures(incident.id, 2) == [first, second]


def test_a_failed_transaction_leaves_no_entry_and_no_edit(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        kept = tx.add_event(_capture(incident.id, "1.1"))
    assert kept is not None
    with pytest.raises(Boom), store.transaction() as tx:
        tx.add_event(_capture(incident.id, "1.2"))
        tx.update_event(kept.model_copy(update={"text": "changed", "deleted_at": NOW}))
        raise Boom
    with store.transaction() as tx:
        assert tx.events(incident.id) == [kept]
        assert tx.event_for_message(incident.id, "1.2") is None
        assert tx.add_event(_capture(incident.id, "1.2")) is not None, "the message is free to be marked"
