"""Outgoing webhooks listen to every incident event the other features announce."""

from __future__ import annotations

from collections.abc import Sequence

from incidentbot.incident.events import EVENT_TYPES, CustomerUpdatePublished
from incidentbot.kernel.registry import Registry
from incidentbot.webhooks.model import WebhookEndpoint
from incidentbot.webhooks.record import recorder
from incidentbot.webhooks.sql_webhooks import SqlDeliveries
from incidentbot.wrap_up.comms import CustomerTextKept


def register(registry: Registry, endpoints: Sequence[WebhookEndpoint] = ()) -> None:
    if not endpoints:
        return
    record = recorder(endpoints, SqlDeliveries)
    for event in EVENT_TYPES:
        registry.on(event, record)
    registry.on(CustomerTextKept, lambda uow, kept: record(uow, _published(kept)))


def _published(kept: object) -> CustomerUpdatePublished:
    """The customer text the wrap-up keeps, as the event receivers know."""
    assert isinstance(kept, CustomerTextKept), kept
    return CustomerUpdatePublished(kept.incident.id, text_id=kept.text.id, text=kept.text.text)
