"""The commitments' repository (`cadence/ports.py`), as every store keeps it."""

from __future__ import annotations

from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, declared, promise


def test_a_commitment_is_read_back_open_and_live(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(promise(incident.id, 30))
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
        older = tx.add_commitment(promise(incident.id, 30, made_minutes=0))
        newer = tx.add_commitment(promise(incident.id, 20, made_minutes=5))
        same_time = tx.add_commitment(promise(incident.id, 25, made_minutes=5))
        tx.add_commitment(promise(other.id, 60, made_minutes=9))
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
        made = tx.add_commitment(promise(incident.id, 30))
        assert tx.mark_commitment_missed(made.id) is True
        assert tx.mark_commitment_missed(made.id) is False
        missed = made.model_copy(update={"state": CommitmentState.MISSED})
        assert tx.live_commitment(incident.id) == missed
        assert tx.get_commitment(made.id) == missed


def test_a_commitment_is_settled_once_with_its_outcome_and_time(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        made = tx.add_commitment(promise(incident.id, 30))
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
        made = tx.add_commitment(promise(incident.id, 30))
        assert tx.settle_commitment(made.id + 1000, CommitmentState.MET, NOW) is False
        assert tx.mark_commitment_missed(made.id + 1000) is False
        assert tx.commitments(incident.id) == [made]
