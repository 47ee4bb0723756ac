"""What triage needs from the store: alert groups and the state of each alert within them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from incidentbot.alerts.model import AlertState, Links, Source
from incidentbot.kernel.ports import Transaction


def key_hash(source: Source, group_key: str) -> str:
    """A fixed-size name for a sender's group key, which may be any length."""
    return hashlib.sha256(f"{source.value}\n{group_key}".encode()).hexdigest()


class AlertGroup(BaseModel):
    """One triage message's worth of alerts: a sender's group, from its first firing."""

    model_config = ConfigDict(frozen=True)

    id: int
    source: Source
    key_hash: str
    group_key: str
    channel_id: str
    title: str
    summary: str = ""
    labels: dict[str, str] = {}
    links: Links = Links()
    state: AlertState = AlertState.FIRING
    first_seen: datetime
    last_seen: datetime
    received: int = 0
    """Alerts received for the group, repeats included."""
    firing: int = 0
    """Alerts of the group firing now."""
    message_ts: str | None = None
    message_link: str | None = None
    """The triage message's permalink, for the incident's summary."""
    incident_id: int | None = None
    dismissed_by: str | None = None
    dismissed_reason: str | None = None

    @property
    def triaged(self) -> bool:
        return self.incident_id is not None or self.dismissed_by is not None


class NewGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: Source
    group_key: str
    channel_id: str
    title: str
    summary: str
    labels: dict[str, str]
    links: Links
    first_seen: datetime


class AlertRepository(Protocol):
    def open_group(self, source: Source, group_key: str) -> AlertGroup | None:
        """The group still taking this key's alerts, locked until commit; None when there is none."""
        ...

    def start_group(self, new: NewGroup) -> AlertGroup:
        """A group for the key; the one another transaction has just started, if it won the race."""
        ...

    def group(self, group_id: int) -> AlertGroup | None: ...

    def save_group(self, group: AlertGroup) -> None:
        """Write back what the group shows: state, counts, message, incident, dismissal."""
        ...

    def close_group(self, group_id: int) -> None:
        """The key's next alerts start a group of their own."""
        ...

    def record_alert(self, group_id: int, fingerprint: str, state: AlertState, at: datetime) -> bool:
        """Record the alert's state as of `at`; True when it changed (a first firing included).

        A state older than the one recorded changes nothing: senders' batches may be applied out of order.
        """
        ...

    def firing(self, group_id: int) -> int:
        """How many alerts of the group fire now."""
        ...

    def groups_of_incident(self, incident_id: int) -> list[AlertGroup]: ...


AlertRepositoryFor = Callable[[Transaction], AlertRepository]
"""The repository sharing a unit of work's transaction."""
