"""In-memory Slack deliveries already seen, for `MemoryStore` (`kernel/delivery_ports.py`; the SQL
store's is `store/sql_deliveries.py`), with the same housekeeping rule as its delete."""

from __future__ import annotations

from datetime import datetime


class MemoryDeliveries:
    """Mixed into MemoryStore, whose `deliveries` and `delivery_times` these are."""

    deliveries: set[str]
    delivery_times: dict[str, datetime]

    def first_delivery(self, event_id: str, at: datetime) -> bool:
        if event_id in self.deliveries:
            return False
        self.deliveries.add(event_id)
        self.delivery_times[event_id] = at
        return True

    def forget_delivery(self, event_id: str) -> None:
        self.deliveries.discard(event_id)
        self.delivery_times.pop(event_id, None)

    def delete_processed_events(self, received_before: datetime, limit: int) -> int:
        old = [event_id for event_id, at in self.delivery_times.items() if at < received_before][:limit]
        for event_id in old:
            del self.delivery_times[event_id]
            self.deliveries.discard(event_id)
        return len(old)
