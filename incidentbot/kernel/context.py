"""What every use case is built with: the store, Slack, the policy, the clock and the handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from incidentbot.clock import Clock
from incidentbot.incident.models import Incident
from incidentbot.incident.policy import Policy
from incidentbot.kernel.errors import IncidentNotFound, NotAnIncidentChannel
from incidentbot.kernel.ports import IncidentView, Journal, Store, Transaction, Workspace
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.status_page.model import StatusPageConfig

ViewPart = Callable[[Transaction, Incident], Mapping[str, object]]
"""What a feature adds to an incident's templates (the alerts its summary links), read in `tx`."""
SETUP_NOTICES_CHANNEL = "setup_notices_channel"
"""A view part's key for an incident no person declared (an alert rule's): the channel its setup's
notices go to while nobody commands it, instead of a declarer who cannot read them."""
Sweep = Callable[[Transaction, datetime, int], int]
"""A feature's housekeeping (`Registry.add_sweep`): given `tx`, the clock's now and a batch size,
deletes at most that many of its rows past their retention and returns how many went."""


@dataclass(frozen=True)
class Services:
    store: Store
    workspace: Workspace
    policy: Policy
    clock: Clock
    channel_prefix: str = "inc"
    announcement_channel: str | None = None
    stakeholder_channel: str | None = None
    journal: Journal | None = None
    """Batches journalled requests; without one, each is written in a transaction of its own."""
    handlers: Mapping[str, Handler] = field(kw_only=True)
    """The handler of each kind of row, as the features registered them (`kernel/registry.py`)."""
    timed_kinds: frozenset[str] = frozenset()
    """Kinds whose rows are owed at their due time (`Registry.add_delivery(…, timed=True)`)."""
    status_page: StatusPageConfig = field(default_factory=StatusPageConfig)
    subscribers: Mapping[type, Sequence[Callable[..., None]]] = field(default_factory=dict)
    """Features' parts in other features' commands (`Registry.on`), given to each unit of work."""
    view_parts: Sequence[ViewPart] = ()
    """Features' parts in how an incident is shown (`Registry.add_view_part`), read into `extra`."""
    sweeps: Mapping[str, Sweep] = field(default_factory=dict)
    """Features' housekeeping, by name (`Registry.add_sweep`), run by `kernel/housekeeping.py`."""
    messages: Mapping[str, object] = field(default_factory=dict)
    """Features' messages with buttons, built at wiring time (`kernel/messages.py`), each found by
    its feature's key (`CADENCE_MESSAGES.of(services)`)."""

    def view(self, tx: Transaction, incident: Incident) -> IncidentView:
        extra = {name: value for part in self.view_parts for name, value in part(tx, incident).items()}
        return IncidentView(
            incident=incident,
            roster=tx.roster(incident.id),
            policy=self.policy,
            now=self.clock.now(),
            extra=extra,
        )

    def view_of(self, incident_id: int) -> IncidentView:
        with self.store.transaction() as tx:
            incident = tx.get_incident(incident_id)
            if incident is None:
                raise IncidentNotFound(str(incident_id))
            return self.view(tx, incident)

    def incident_in_channel(self, channel_id: str) -> Incident:
        """The incident whose channel this is, or NotAnIncidentChannel."""
        with self.store.transaction() as tx:
            incident = tx.incident_by_channel(channel_id)
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        return incident


Handler = Callable[[Services, Reminder], object]
"""Delivers one row; returns `COMPLETED` when it marked the row done in its own transaction."""
"""Delivers one claimed row: sends its message, applies its request or nags (`kernel/reminders.py`)."""
