"""Services on the in-memory store and a recording workspace, for tests that need no Slack or database."""

from __future__ import annotations

import pytest

from incidentbot.clock import ManualClock
from incidentbot.incident.policy import Policy
from incidentbot.kernel.context import Services
from incidentbot.wiring import build_registry
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.memory_messages import recording_messages


@pytest.fixture
def workspace() -> RecordingWorkspace:
    return RecordingWorkspace()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def services(store: MemoryStore, workspace: RecordingWorkspace) -> Services:
    return Services(
        store=store,
        workspace=workspace,
        policy=Policy(),
        clock=ManualClock(),
        announcement_channel="CANNOUNCE",
        handlers=(registry := build_registry()),
        timed_kinds=registry.timed_kinds,
        messages=recording_messages(workspace),
    )
