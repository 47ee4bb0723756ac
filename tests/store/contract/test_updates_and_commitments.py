"""Updates and next-update commitments, as every store keeps them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewUpdate
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, Boom, declared


def _update(incident_id: int, at: datetime = NOW, **fields: Any) -> NewUpdate:
    draft = UpdateDraft(status=Status.IDENTIFIED, severity=Severity.SEV1, **fields)
    return NewUpdate(incident_id=incident_id, author_id="U002", posted_at=at, draft=draft)


def _promise(incident_id: int, due_minutes: int, made_minutes: int = 0) -> NewCommitment:
    return NewCommitment(
        incident_id=incident_id,
        due_at=NOW + due_minutes * MINUTE,
        made_by="U002",
        made_at=NOW + made_minutes * MINUTE,
        source=CommitmentSource.UPDATE,
    )


def test_an_update_is_read_back_as_posted(store: Store) -> None:
    incident = declared(store)
    new = _update(
        incident.id,
        theory="A bad config",
        tried="Restarted",
        doing="Rolling back",
        impact="EU checkout",
        customer_text="Payments are failing for some customers.",
        next_update_at=NOW + 30 * MINUTE,
    )
    with store.transaction() as tx:
        added = tx.add_update(new)
    with store.transaction() as tx:
        assert tx.updates(incident.id) == [added]
        assert tx.latest_update(incident.id) == added
    assert (added.incident_id, added.author_id, added.posted_at, added.message_ts) == (
        incident.id,
        "U002",
        NOW,
        None,
    )
    assert added.model_dump(include=set(UpdateDraft.model_fields)) == new.draft.model_dump()


def test_an_update_without_customer_text_stores_none_for_it(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        added = tx.add_update(_update(incident.id))
    assert (added.customer_text, added.theory, added.next_update_at) == (None, "", None)


def test_updates_come_in_posting_order_and_the_latest_is_the_newest(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        assert tx.latest_update(incident.id) is None
        late = tx.add_update(_update(incident.id, NOW + MINUTE, theory="late"))
        early = tx.add_update(_update(incident.id, NOW, theory="early"))
        same_time = tx.add_update(_update(incident.id, NOW + MINUTE, theory="late too"))
        tx.add_update(_update(other.id, NOW + 5 * MINUTE))
        assert tx.updates(incident.id) == [early, late, same_time]
        assert tx.latest_update(incident.id) == same_time


def test_the_posted_message_is_recorded_on_its_update(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        first, second = tx.add_update(_update(incident.id)), tx.add_update(_update(incident.id))
        tx.set_update_message(first.id, "1700000000.000100")
        assert tx.updates(incident.id) == [
            first.model_copy(update={"message_ts": "1700000000.000100"}),
            second,
        ]


def test_recording_the_message_of_an_unknown_update_changes_nothing(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        update = tx.add_update(_update(incident.id))
        tx.set_update_message(update.id + 1000, "1700000000.000100")
        assert tx.updates(incident.id) == [update]


def test_a_commitment_is_read_back_open_and_live(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(_promise(incident.id, 30))
    with store.transaction() as tx:
        assert tx.get_commitment(made.id) == made
        assert tx.get_commitment(made.id + 1000) is None
        assert tx.live_commitment(incident.id) == made
        assert tx.commitments(incident.id) == [made]
    assert (made.due_at, made.made_by, made.made_at, made.source) == (
        NOW + 30 * MINUTE,
        "U002",
        NOW,
        CommitmentSource.UPDATE,
    )
    assert (made.state, made.settled_at) == (CommitmentState.OPEN, None)


def test_the_live_commitment_is_the_newest_unsettled_one(store: Store) -> None:
    incident, other = declared(store), declared(store)
    with store.transaction() as tx:
        assert tx.live_commitment(incident.id) is None
        older = tx.add_commitment(_promise(incident.id, 30, made_minutes=0))
        newer = tx.add_commitment(_promise(incident.id, 20, made_minutes=5))
        same_time = tx.add_commitment(_promise(incident.id, 25, made_minutes=5))
        tx.add_commitment(_promise(other.id, 60, made_minutes=9))
        assert tx.commitments(incident.id) == [older, newer, same_time]
        assert tx.live_commitment(incident.id) == same_time
        tx.settle_commitment(same_time.id, CommitmentState.SUPERSEDED, NOW + 6 * MINUTE)
        assert tx.live_commitment(incident.id) == newer
        tx.settle_commitment(newer.id, CommitmentState.MET, NOW + 7 * MINUTE)
        tx.settle_commitment(older.id, CommitmentState.CANCELLED, NOW + 7 * MINUTE)
        assert tx.live_commitment(incident.id) is None


def test_a_missed_commitment_stays_live_and_is_missed_once(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(_promise(incident.id, 30))
        assert tx.mark_commitment_missed(made.id) is True
        assert tx.mark_commitment_missed(made.id) is False
        missed = made.model_copy(update={"state": CommitmentState.MISSED})
        assert tx.live_commitment(incident.id) == missed
        assert tx.get_commitment(made.id) == missed


def test_a_commitment_is_settled_once_with_its_outcome_and_time(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(_promise(incident.id, 30))
        assert tx.settle_commitment(made.id, CommitmentState.MET, NOW + 10 * MINUTE) is True
        assert tx.settle_commitment(made.id, CommitmentState.CANCELLED, NOW + 11 * MINUTE) is False
        assert tx.mark_commitment_missed(made.id) is False, "only an open promise is missed"
        settled = tx.get_commitment(made.id)
    assert settled is not None and (settled.state, settled.settled_at) == (
        CommitmentState.MET,
        NOW + 10 * MINUTE,
    )


def test_settling_or_missing_an_unknown_commitment_changes_nothing(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(_promise(incident.id, 30))
        assert tx.settle_commitment(made.id + 1000, CommitmentState.MET, NOW) is False
        assert tx.mark_commitment_missed(made.id + 1000) is False
        assert tx.commitments(incident.id) == [made]


def test_a_failed_transaction_leaves_no_update_and_no_promise(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        update = tx.add_update(_update(incident.id))
        promise = tx.add_commitment(_promise(incident.id, 30))
    with pytest.raises(Boom), store.transaction() as tx:
        tx.add_update(_update(incident.id, NOW + MINUTE))
        tx.set_update_message(update.id, "1700000000.000100")
        tx.add_commitment(_promise(incident.id, 60, made_minutes=1))
        tx.mark_commitment_missed(promise.id)
        tx.settle_commitment(promise.id, CommitmentState.SUPERSEDED, NOW + MINUTE)
        raise Boom
    with store.transaction() as tx:
        assert tx.updates(incident.id) == [update]
        assert tx.commitments(incident.id) == [promise]
        assert tx.live_commitment(incident.id) == promise
