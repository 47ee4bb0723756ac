"""In-memory housekeeping for `MemoryStore`: the same rules as the deletes in `store/sql_queue.py`
and `store/sql_deliveries.py`."""

from __future__ import annotations

from datetime import datetime

from incidentbot.incident.models import Incident, SetupState
from incidentbot.kernel.reminder_rows import Reminder, ReminderState

FINISHED = {ReminderState.DONE.value, ReminderState.CANCELLED.value}


class MemoryHousekeeping:
    """Mixed into MemoryStore, whose reminder rows, incidents and event ids it shares."""

    incidents: dict[int, Incident]
    reminder_rows: dict[int, Reminder]
    delivery_times: dict[str, datetime]
    deliveries: set[str]

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
        return len(removable)

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
