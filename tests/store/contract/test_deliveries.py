"""The deliveries' repository (`kernel/delivery_ports.py`), as every store keeps it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, Boom

PAYLOAD = '{"channel_id": "C042", "words": "Rolled back"}'


def test_a_delivery_is_first_once_until_it_is_forgotten(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW) is True
        assert tx.first_delivery("Ev001", NOW) is False
    with store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW + MINUTE) is False, "a repeat in a later transaction too"
        assert tx.first_delivery("Ev002", NOW) is True
        tx.forget_delivery("Ev001")
        tx.forget_delivery("Ev404")
    with store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW + MINUTE) is True
        assert tx.first_delivery("Ev002", NOW + MINUTE) is False


def test_one_delivery_arriving_on_many_threads_at_once_is_first_on_one(store: Store) -> None:
    def claim(_: int) -> bool:
        with store.transaction() as tx:
            return tx.first_delivery("Ev001", NOW)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(claim, range(12)))
    assert answers.count(True) == 1


def test_old_deliveries_are_forgotten_in_bounded_batches(store: Store) -> None:
    with store.transaction() as tx:
        for index in range(3):
            tx.first_delivery(f"old-{index}", NOW - (index + 1) * MINUTE)
        tx.first_delivery("on-the-line", NOW)
        tx.first_delivery("new", NOW + MINUTE)
    with store.transaction() as tx:
        assert tx.delete_processed_events(NOW, 2) == 2
        assert tx.delete_processed_events(NOW, 2) == 1
        assert tx.delete_processed_events(NOW, 2) == 0
    with store.transaction() as tx:
        assert [tx.first_delivery(f"old-{index}", NOW) for index in range(3)] == [True] * 3
        assert tx.first_delivery("on-the-line", NOW) is False
        assert tx.first_delivery("new", NOW) is False


def test_a_failed_transaction_claims_no_delivery_and_journals_no_request(store: Store) -> None:
    with store.transaction() as tx:
        tx.first_delivery("kept", NOW)
    with pytest.raises(Boom), store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW) is True
        tx.forget_delivery("kept")
        row = tx.add_request_row("note", PAYLOAD, NOW, NOW)
        raise Boom
    with store.transaction() as tx:
        assert tx.first_delivery("Ev001", NOW) is True, "the claim went with the transaction"
        assert tx.first_delivery("kept", NOW) is False
        assert tx.claim_reminder_ids([row.id], "scheduler", NOW, NOW + MINUTE) == []
        assert tx.claim_reminders("scheduler", NOW + MINUTE, NOW + 2 * MINUTE, 10) == []
