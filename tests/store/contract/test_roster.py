"""The roster's repository (`roles/ports.py`), as every store keeps it."""

from __future__ import annotations

from incidentbot.incident.models import Role, Roster
from incidentbot.kernel.ports import Store
from tests.store.contract.builders import MINUTE, NOW, declared


def test_a_new_holder_relieves_the_previous_one_and_history_keeps_both(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        assert tx.assign_role(incident.id, Role.COMMS, "U002", "U001", NOW) is None
        assert tx.assign_role(incident.id, Role.COMMANDER, "U001", "U001", NOW) is None
    with store.transaction() as tx:
        assert tx.assign_role(incident.id, Role.COMMS, "U003", "U001", NOW + 5 * MINUTE) == "U002"
        history = tx.role_history(incident.id)
        assert tx.roster(incident.id) == Roster(commander="U001", comms="U003")
    assert [(a.role, a.user_id, a.assigned_by, a.started_at, a.ended_at) for a in history] == [
        (Role.COMMS, "U002", "U001", NOW, NOW + 5 * MINUTE),
        (Role.COMMANDER, "U001", "U001", NOW, None),
        (Role.COMMS, "U003", "U001", NOW + 5 * MINUTE, None),
    ]


def test_role_history_is_in_time_order_whatever_order_it_was_written_in(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        tx.assign_role(incident.id, Role.SCRIBE, "U003", "U001", NOW + 10 * MINUTE)
        tx.assign_role(incident.id, Role.COMMANDER, "U001", "U001", NOW)
        assert [a.user_id for a in tx.role_history(incident.id)] == ["U001", "U003"]


def test_rosters_of_many_incidents_include_those_with_nobody(store: Store) -> None:
    staffed, empty, elsewhere = declared(store), declared(store), declared(store, "T2")
    with store.transaction() as tx:
        tx.assign_role(staffed.id, Role.SCRIBE, "U003", "U001", NOW)
        tx.assign_role(elsewhere.id, Role.SCRIBE, "U009", "U009", NOW)
        assert tx.rosters([staffed.id, empty.id]) == {staffed.id: Roster(scribe="U003"), empty.id: Roster()}
        assert tx.roster(empty.id) == Roster()


def test_an_assignment_is_found_by_the_id_of_whoever_holds_the_role_now(store: Store) -> None:
    incident = declared(store)
    with store.transaction() as tx:
        assert tx.role_assignment_id(incident.id, Role.COMMS) is None
        tx.assign_role(incident.id, Role.COMMS, "U002", "U001", NOW)
        first = tx.role_assignment_id(incident.id, Role.COMMS)
        tx.assign_role(incident.id, Role.COMMS, "U003", "U001", NOW + MINUTE)
        current = tx.role_assignment_id(incident.id, Role.COMMS)
        assert first is not None and current is not None and current != first
        relieved, holder = tx.role_assignment(first), tx.role_assignment(current)
        assert tx.role_assignment(current + 1000) is None
    assert relieved is not None and (relieved.user_id, relieved.ended_at) == ("U002", NOW + MINUTE)
    assert holder is not None and (holder.user_id, holder.ended_at) == ("U003", None)
