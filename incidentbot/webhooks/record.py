"""Record an incident event for every endpoint that hears of it, in the change's own transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from incidentbot.incident.events import IncidentEvent
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.unit_of_work import Subscriber, UnitOfWork
from incidentbot.webhooks.model import WebhookEndpoint, receives
from incidentbot.webhooks.payload import body, new_event_id
from incidentbot.webhooks.ports import DeliveryStore, NewDelivery


def recorder(
    endpoints: Sequence[WebhookEndpoint], store: Callable[[Transaction], DeliveryStore]
) -> Subscriber:
    """The subscriber that owes each interested endpoint a delivery of the announced event."""

    def record(uow: UnitOfWork, event: object) -> None:
        assert isinstance(event, IncidentEvent), event
        # The incident's row stays locked until the change commits, so a concurrent change to it
        # (two notes at once) takes its delivery ids only after this one is committed: per incident,
        # ids follow commit order and the dispatcher never sees a later one before an earlier one.
        incident = uow.tx.get_incident(event.incident_id, for_update=True) if event.incident_id else None
        wanted = [endpoint for endpoint in endpoints if receives(endpoint, event.type, incident)]
        if not wanted:
            return
        event_id = new_event_id()
        payload = body(event_id, event, incident, uow.now)
        deliveries = store(uow.tx)
        for endpoint in wanted:
            deliveries.add(
                NewDelivery(
                    event_id=event_id,
                    event_type=event.type,
                    endpoint=endpoint.url,
                    incident_id=event.incident_id,
                    incident_number=incident.number if incident else None,
                    body=payload,
                    created_at=uow.now,
                )
            )

    return record
