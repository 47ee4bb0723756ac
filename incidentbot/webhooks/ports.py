"""What the webhook deliveries need from the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    """Given up: refused for good (a 4xx other than 408 and 429), or not taken for 24 hours."""


@dataclass(frozen=True)
class Delivery:
    id: int
    event_id: str
    event_type: str
    endpoint: str
    incident_id: int | None
    incident_number: int | None
    body: str
    created_at: datetime
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime
    claimed_by: str | None = None


@dataclass(frozen=True)
class NewDelivery:
    event_id: str
    event_type: str
    endpoint: str
    incident_id: int | None
    incident_number: int | None
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Attempt:
    """One try at a delivery: the receiver's status, or why there was none."""

    at: datetime
    status: int | None
    error: str | None


class DeliveryStore(Protocol):
    def add(self, new: NewDelivery) -> Delivery: ...

    def claim_heads(
        self,
        worker: str,
        now: datetime,
        until: datetime,
        limit: int,
        busy: Mapping[str, int],
        per_endpoint: int,
    ) -> list[Delivery]:
        """Lease due pending deliveries, each the oldest pending one of its incident and endpoint,
        so that no endpoint has more than `per_endpoint` under way (`busy` already are)."""
        ...

    def sent_since(self, incident_id: int, event_type: str, since: datetime) -> bool:
        """Whether an event of `event_type` about the incident was recorded at or after `since`."""
        ...

    def record(
        self,
        delivery: Delivery,
        attempt: Attempt,
        state: DeliveryState,
        next_attempt_at: datetime,
    ) -> bool:
        """Record the attempt and where the delivery stands; False if the lease was lost."""
        ...

    def deliveries(self, *, failed_only: bool, limit: int) -> list[Delivery]:
        """The latest deliveries first."""
        ...

    def delivery(self, delivery_id: int) -> Delivery | None: ...

    def redeliver(self, delivery_id: int, worker: str, now: datetime, until: datetime) -> Delivery | None:
        """A new delivery of the same event (same id and body) to the same endpoint, leased to
        `worker` to be sent at once; None if there is no such delivery."""
        ...

    def attempts(self, delivery_id: int) -> list[Attempt]: ...
