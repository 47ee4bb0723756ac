"""In-memory stand-ins for the services' ports, so use cases are tested without Slack or SQL.

`MemoryStore` is the store, one module per repository as the SQL store is (`store/sql.py`):
`memory_incidents.py`, `memory_roster.py`, `memory_timeline.py`, `memory_updates.py`,
`memory_wrap_up.py`, `memory_queue.py`, `memory_deliveries.py`. `RecordingWorkspace`
(`memory_workspace.py`) stands in for Slack.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from incidentbot.cadence.commitment_rules import Commitment
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import Incident, RoleAssignment, TimelineEvent
from incidentbot.kernel.reminder_rows import Reminder
from tests.support.memory_deliveries import MemoryDeliveries
from tests.support.memory_incidents import MemoryIncidents
from tests.support.memory_queue import MemoryQueue
from tests.support.memory_roster import MemoryRoster
from tests.support.memory_timeline import MemoryTimeline
from tests.support.memory_times import InUtc
from tests.support.memory_updates import MemoryUpdates
from tests.support.memory_workspace import RecordingWorkspace
from tests.support.memory_wrap_up import MemoryWrapUp

__all__ = ["MemoryStore", "RecordingWorkspace"]


@dataclass
class MemoryStore(
    MemoryIncidents, MemoryRoster, MemoryTimeline, MemoryUpdates, MemoryWrapUp, MemoryQueue, MemoryDeliveries
):
    """Its fields are the tables; each repository's methods are in its own module."""

    update_rows: dict[int, Update] = field(default_factory=dict)
    commitment_rows: dict[int, Commitment] = field(default_factory=dict)
    reminder_rows: dict[int, Reminder] = field(default_factory=dict)
    row_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    """Ids of updates, commitments and queue rows."""
    incidents: dict[int, Incident] = field(default_factory=dict)
    assignments: list[RoleAssignment] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    deliveries: set[str] = field(default_factory=set)
    delivery_times: dict[str, datetime] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    """Ids of incidents, timeline entries and wrap-up records."""
    one_at_a_time: threading.RLock = field(default_factory=threading.RLock)
    """Transactions from parallel delivery threads run one after another, as SQLite's writer does."""

    @contextmanager
    def transaction(self) -> Iterator[MemoryStore]:
        with self.one_at_a_time:
            before = self._snapshot()
            try:
                yield cast(MemoryStore, InUtc(self))
            except BaseException:
                # As a database does: nothing of a failed transaction stays. Ids are not given
                # back, as PostgreSQL's sequences do not give them back either.
                self.__dict__.update(before)
                raise

    def _snapshot(self) -> dict[str, Any]:
        """Every table as it is now; the rows are frozen models, so copying the containers is enough."""
        saved = {
            name: copy.copy(value)
            for name, value in vars(self).items()
            if isinstance(value, dict | list | set)
        }
        if "_wrap" in vars(self):
            saved["_wrap"] = self.wrap.copy()
        return saved
