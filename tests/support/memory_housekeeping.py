"""In-memory housekeeping for `MemoryStore`: the same rules as `store/sql_housekeeping.py`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from incidentbot.incident.models import Incident, SetupState
from incidentbot.kernel.reminder_rows import Reminder, ReminderState

if TYPE_CHECKING:
    from tests.support.memory_resolution import WrapUpRecords

FINISHED = {ReminderState.DONE.value, ReminderState.CANCELLED.value}


class MemoryHousekeeping:
    """Mixed into MemoryStore, whose reminder rows, incidents and event ids it shares."""

    incidents: dict[int, Incident]
    reminder_rows: dict[int, Reminder]
    delivery_times: dict[str, datetime]
    deliveries: set[str]

    if TYPE_CHECKING:

        @property
        def wrap(self) -> WrapUpRecords: ...

    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        removable = [
            row_id
            for row_id, row in self.reminder_rows.items()
            if row.state in FINISHED
            and self._old(finished_before, row.due_at, row.fired_at, row.claimed_until)
            and self._settled(row.incident_id, resolved_before)
        ][:limit]
        for row_id in removable:
            del self.reminder_rows[row_id]
        # Action-item reminders live in a list of their own here; in SQL they share the table.
        room = limit - len(removable)
        actions = [
            r
            for r in self.wrap.reminders
            if r.state in FINISHED
            and r.due_at < finished_before
            and self._settled(r.incident_id, resolved_before)
        ][:room]
        self.wrap.reminders = [r for r in self.wrap.reminders if r not in actions]
        return len(removable) + len(actions)

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        old = [event_id for event_id, at in self.delivery_times.items() if at < received_before][:limit]
        for event_id in old:
            del self.delivery_times[event_id]
            self.deliveries.discard(event_id)
        return len(old)

    @staticmethod
    def _old(before: datetime, *moments: datetime | None) -> bool:
        return all(moment is None or moment < before for moment in moments)

    def _settled(self, incident_id: int | None, resolved_before: datetime) -> bool:
        if incident_id is None:
            return True
        incident = self.incidents.get(incident_id)
        return (
            incident is not None
            and incident.setup_state is SetupState.READY
            and incident.resolved_at is not None
            and incident.resolved_at < resolved_before
        )
