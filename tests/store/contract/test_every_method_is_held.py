"""Every method of every repository of the store port is held to the contract.

`Transaction` is the composition of one repository per concept; each has its contract file
beside this one, and each of its methods is called in that file, so no store can get a method
wrong with every test still green. A new repository, or a new method, fails here until it has
its tests.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Protocol

import pytest

from incidentbot.cadence.ports import CommitmentRepository, UpdateRepository
from incidentbot.incident.repository import IncidentRepository
from incidentbot.kernel.delivery_ports import DeliveryLog
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.queue_ports import QueueRepository
from incidentbot.roles.ports import RosterRepository
from incidentbot.timeline.ports import TimelineRepository
from incidentbot.wrap_up.ports import WrapUpRepository

HERE = Path(__file__).parent
CONTRACT_FILES: dict[type, str] = {
    IncidentRepository: "test_incidents.py",
    RosterRepository: "test_roster.py",
    TimelineRepository: "test_timeline.py",
    UpdateRepository: "test_updates.py",
    CommitmentRepository: "test_commitments.py",
    WrapUpRepository: "test_wrap_up.py",
    QueueRepository: "test_queue.py",
    DeliveryLog: "test_deliveries.py",
}


def _repositories(port: type) -> list[type]:
    return [base for base in port.__bases__ if base is not Protocol and getattr(base, "_is_protocol", False)]


def _methods(repository: type) -> list[str]:
    declared = vars(repository).items()
    return sorted(name for name, value in declared if callable(value) and not name.startswith("_"))


def _called(source: str) -> set[str]:
    """The names of every method called on anything in `source`."""
    return {
        node.func.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def _untested(repository: type, source: str) -> list[str]:
    return [name for name in _methods(repository) if name not in _called(source)]


def test_every_repository_of_the_transaction_has_its_contract_file() -> None:
    assert set(_repositories(Transaction)) == set(CONTRACT_FILES)
    assert all((HERE / name).is_file() for name in CONTRACT_FILES.values())


@pytest.mark.parametrize("repository", list(CONTRACT_FILES), ids=lambda repository: repository.__name__)
def test_every_method_is_called_in_its_repository_s_contract_file(repository: type) -> None:
    assert _methods(repository), f"{repository.__name__} declares no method"
    source = (HERE / CONTRACT_FILES[repository]).read_text(encoding="utf-8")
    assert _untested(repository, source) == [], f"no contract test in {CONTRACT_FILES[repository]}"


def test_the_check_finds_a_method_no_test_calls() -> None:
    class Sample(Protocol):
        def kept(self) -> None: ...
        def forgotten(self, key: str) -> int: ...

    source = "def test_it(store):\n    tx.kept()\n    assert 'forgotten' in tx.names\n"
    assert _untested(Sample, source) == ["forgotten"]
