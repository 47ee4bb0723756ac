"""The deliveries' repository: which Slack deliveries were seen, so a repeat is not acted on twice."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class DeliveryLog(Protocol):
    def first_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time a Slack delivery (event id, submission, click) is seen; False for a repeat."""
        ...

    def forget_delivery(self, event_id: str) -> None:
        """Forget a delivery that was not acted on, so that a repeat of it is."""
        ...

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        """Forget at most `limit` Slack event ids received before `received_before`; returns how many."""
        ...
