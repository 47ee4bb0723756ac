"""Outgoing webhooks listen to every incident event the other features announce."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from incidentbot.incident.events import EVENT_TYPES, CustomerUpdatePublished, IncidentResolved
from incidentbot.kernel.context import Sweep
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.unit_of_work import Subscriber, UnitOfWork
from incidentbot.webhooks.model import WebhookEndpoint
from incidentbot.webhooks.record import recorder
from incidentbot.webhooks.sql_webhooks import SqlDeliveries, delete_finished
from incidentbot.wrap_up.comms import CustomerTextKept

DEFAULT_RETENTION = timedelta(days=30)
"""How long a finished delivery is kept for `webhooks log` (`WEBHOOK_DELIVERIES_RETENTION_DAYS`)."""


def register(
    registry: Registry, endpoints: Sequence[WebhookEndpoint] = (), retention: timedelta = DEFAULT_RETENTION
) -> None:
    # Deliveries recorded under an earlier config are swept even when no endpoint is left.
    registry.add_sweep("webhook deliveries", _sweep(retention))
    if not endpoints:
        return
    record = recorder(endpoints, SqlDeliveries)
    for event in EVENT_TYPES:
        registry.on(event, _once_per_resolution(record) if event is IncidentResolved else record)
    registry.on(CustomerTextKept, lambda uow, kept: record(uow, _published(kept)))


def _sweep(retention: timedelta) -> Sweep:
    if retention <= timedelta(0):
        raise ValueError("the webhook deliveries' retention must be positive")
    return lambda tx, now, limit: delete_finished(tx, now - retention, limit)


def _published(kept: object) -> CustomerUpdatePublished:
    """The customer text the wrap-up keeps, as the event receivers know."""
    assert isinstance(kept, CustomerTextKept), kept
    return CustomerUpdatePublished(kept.incident.id, text_id=kept.text.id, text=kept.text.text)


def _once_per_resolution(record: Subscriber) -> Subscriber:
    """`/incident status resolved` and the resolve form both announce the resolution, and the form
    may follow the command: a receiver hears of each resolution once (again after a reopen)."""

    def record_first(uow: UnitOfWork, event: object) -> None:
        assert isinstance(event, IncidentResolved), event
        incident = uow.tx.get_incident(event.incident_id) if event.incident_id else None
        resolved_at = incident.resolved_at if incident else None
        deliveries = SqlDeliveries(uow.tx)
        if incident and resolved_at and deliveries.sent_since(incident.id, event.type, resolved_at):
            return
        record(uow, event)

    return record_first
