"""The updates' repository (`cadence/ports.py`), as every store keeps it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from incidentbot.cadence.commitment_rules import CommitmentState
from incidentbot.cadence.ports import NewUpdate
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, Boom, declared, promise


def _update(incident_id: int, at: datetime = NOW, **fields: Any) -> NewUpdate:
    draft = UpdateDraft(status=Status.IDENTIFIED, severity=Severity.SEV1, **fields)
    return NewUpdate(incident_id=incident_id, author_id="U002", posted_at=at, draft=draft)


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


def test_a_failed_transaction_leaves_no_update_and_no_promise(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        update = tx.add_update(_update(incident.id))
        kept = tx.add_commitment(promise(incident.id, 30))
    with pytest.raises(Boom), store.transaction() as tx:
        tx.add_update(_update(incident.id, NOW + MINUTE))
        tx.set_update_message(update.id, "1700000000.000100")
        tx.add_commitment(promise(incident.id, 60, made_minutes=1))
        tx.mark_commitment_missed(kept.id)
        tx.settle_commitment(kept.id, CommitmentState.SUPERSEDED, NOW + MINUTE)
        raise Boom
    with store.transaction() as tx:
        assert tx.updates(incident.id) == [update]
        assert tx.commitments(incident.id) == [kept]
        assert tx.live_commitment(incident.id) == kept
