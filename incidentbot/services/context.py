"""What every use case is built with: the store, Slack, the policy and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidentbot.clock import Clock
from incidentbot.domain.models import Incident
from incidentbot.domain.policy import Policy
from incidentbot.services.errors import IncidentNotFound, NotAnIncidentChannel
from incidentbot.services.ports import IncidentView, Journal, Store, Transaction, Workspace
from incidentbot.status_page.model import StatusPageConfig


@dataclass(frozen=True)
class Services:
    store: Store
    workspace: Workspace
    policy: Policy
    clock: Clock
    channel_prefix: str = "inc"
    announcement_channel: str | None = None
    journal: Journal | None = None
    """Batches journalled requests; without one, each is written in a transaction of its own."""
    status_page: StatusPageConfig = field(default_factory=StatusPageConfig)

    def view(self, tx: Transaction, incident: Incident) -> IncidentView:
        return IncidentView(
            incident=incident, roster=tx.roster(incident.id), policy=self.policy, now=self.clock.now()
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
