"""What housekeeping needs from the store (part of the Transaction port)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class HousekeepingTransaction(Protocol):
    def delete_finished_reminders(
        self, finished_before: datetime, resolved_before: datetime, limit: int
    ) -> int:
        """Delete at most `limit` done or cancelled reminder and outbox rows; returns how many.

        A row goes only when every time it records (due, fired, lease or retry) is before
        `finished_before`, and its incident, if it has one, was resolved before `resolved_before`
        after its setup had finished. A pending row is never touched.
        """
        ...

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        """Forget at most `limit` Slack event ids received before `received_before`; returns how many."""
        ...
