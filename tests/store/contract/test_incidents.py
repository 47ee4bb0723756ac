"""The incidents' repository (`incident/repository.py`), as every store keeps it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta, timezone

import pytest

from incidentbot.incident.models import Role, Roster, SetupState, Severity, Status
from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, Boom, declared, new_incident


def test_a_new_incident_is_read_back_as_written_numbered_and_pending(store: Store) -> None:
    with store.transaction() as tx:
        added = tx.add_incident(new_incident())
    with store.transaction() as tx:
        loaded = tx.get_incident(added.id)
        assert tx.get_incident(added.id + 1000) is None
    assert loaded == added
    assert (loaded.number, loaded.status, loaded.setup_state) == (1, Status.INVESTIGATING, SetupState.PENDING)
    assert (loaded.title, loaded.severity, loaded.impact) == (
        "Checkout failing",
        Severity.SEV2,
        "EU users cannot pay",
    )
    assert (loaded.declared_by, loaded.is_private, loaded.resolved_at) == ("U001", False, None)
    assert loaded.declared_at == NOW and loaded.declared_at.utcoffset() is not None
    assert loaded.next_update_due == NOW + 15 * MINUTE


def test_times_are_kept_as_the_same_instant_in_utc_and_naive_ones_are_refused(store: Store) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    with store.transaction() as tx:
        added = tx.add_incident(new_incident(at=NOW.astimezone(india)))
    with store.transaction() as tx:
        loaded = tx.get_incident(added.id)
    assert loaded is not None and added.declared_at == loaded.declared_at == NOW
    assert added.declared_at.tzinfo == loaded.declared_at.tzinfo == UTC
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as tx:
        tx.add_incident(new_incident(at=NOW.replace(tzinfo=None)))
    with store.transaction() as tx:
        assert tx.open_incidents("T1") == [loaded]


def test_numbers_count_per_workspace_and_look_up_by_workspace(store: Store) -> None:
    first = declared(store, "T1")
    other_team = declared(store, "T2")
    second = declared(store, "T1")
    assert (first.number, other_team.number, second.number) == (1, 1, 2)
    with store.transaction() as tx:
        assert tx.incident_by_number("T1", 2) == second
        assert tx.incident_by_number("T2", 1) == other_team
        assert tx.incident_by_number("T2", 2) is None
        assert tx.teams_with_incident(1) == ["T1", "T2"]
        assert tx.teams_with_incident(3) == []


def test_declarations_at_once_never_share_a_number(store: Store) -> None:
    def declare(index: int) -> int:
        return declared(store, title=f"incident {index}").number

    with ThreadPoolExecutor(4) as pool:
        numbers = list(pool.map(declare, range(20)))
    assert sorted(numbers) == list(range(1, 21))


def test_incidents_with_one_number_come_in_workspace_order(store: Store) -> None:
    later_team = declared(store, "T9")
    earlier_team = declared(store, "T1")
    with store.transaction() as tx:
        assert tx.incidents_numbered(1) == [earlier_team, later_team]
        assert tx.incidents_numbered(2) == []


def test_saving_writes_back_everything_but_identity(store: Store) -> None:
    incident = declared(store)
    changed = incident.model_copy(
        update={
            "team_id": "T-other",
            "number": 99,
            "title": "Checkout failing again",
            "severity": Severity.SEV1,
            "status": Status.RESOLVED,
            "impact": "Nobody can pay",
            "is_private": True,
            "resolved_at": NOW + 40 * MINUTE,
            "channel_id": "C042",
            "channel_name": "inc-1-checkout",
            "summary_ts": "1700000000.000200",
            "announcement_channel_id": "CANNOUNCE",
            "announcement_ts": "1700000000.000300",
            "next_update_due": None,
            "setup_state": SetupState.FAILED,
            "setup_error": "name_taken",
        }
    )
    with store.transaction() as tx:
        saved = tx.save_incident(changed)
    expected = changed.model_copy(update={"team_id": "T1", "number": 1})
    assert saved == expected
    with store.transaction() as tx:
        assert tx.get_incident(incident.id) == expected
        assert tx.incident_by_channel("C042") == expected
        assert tx.incident_by_channel("C999") is None


def test_open_incidents_are_one_workspace_s_unresolved_ones_by_number(store: Store) -> None:
    first, resolved, third = (declared(store, "T1", title) for title in ("a", "b", "c"))
    declared(store, "T2")
    with store.transaction() as tx:
        tx.save_incident(resolved.model_copy(update={"status": Status.RESOLVED, "resolved_at": NOW}))
        assert tx.open_incidents("T1") == [first, third]
        assert tx.open_incidents("T3") == []


def test_interrupted_setups_are_the_pending_ones_oldest_first(store: Store) -> None:
    ready, failed, first, second = (declared(store, "T1", title) for title in ("a", "b", "c", "d"))
    with store.transaction() as tx:
        tx.save_incident(ready.model_copy(update={"setup_state": SetupState.READY}))
        tx.save_incident(failed.model_copy(update={"setup_state": SetupState.FAILED}))
        assert tx.interrupted_setups() == [first, second]


def test_incidents_declared_since_a_time_include_that_time_in_number_order(store: Store) -> None:
    with store.transaction() as tx:
        tx.add_incident(new_incident(at=NOW - MINUTE))
        on_time = tx.add_incident(new_incident(at=NOW))
        later = tx.add_incident(new_incident(at=NOW + MINUTE))
        tx.add_incident(new_incident("T2", at=NOW))
        assert tx.incidents_declared_since("T1", NOW) == [on_time, later]


def test_a_failed_transaction_leaves_no_incident_and_no_role(store: Store) -> None:
    kept = declared(store)
    with pytest.raises(Boom), store.transaction() as tx:
        tx.add_incident(new_incident(title="never declared"))
        tx.assign_role(kept.id, Role.COMMANDER, "U002", "U002", NOW)
        tx.save_incident(kept.model_copy(update={"title": "renamed", "channel_id": "C042"}))
        raise Boom
    with store.transaction() as tx:
        assert tx.open_incidents("T1") == [kept]
        assert tx.get_incident(kept.id) == kept
        assert tx.incident_by_channel("C042") is None
        assert tx.roster(kept.id) == Roster()
        assert tx.role_history(kept.id) == []
