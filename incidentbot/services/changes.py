"""Changing an incident's severity or status from its channel.

The change, its channel notice and the summary sync are recorded together; the messages are sent
right after, and DeliveryDelayed tells the person when Slack held the notice up.
"""

from __future__ import annotations

from incidentbot.domain.models import EventKind, Incident, Severity, Status
from incidentbot.domain.outbox import OutboxKind
from incidentbot.services import authority, commitments, outbox
from incidentbot.services.actors import actor_name
from incidentbot.services.context import Services
from incidentbot.services.ports import NewEvent


def set_severity(services: Services, incident_id: int, severity: Severity, by: str) -> Incident:
    incident = services.view_of(incident_id).incident
    if incident.severity is severity:
        return incident
    text = f"Severity changed from {incident.severity.label} to {severity.label}"
    return _apply(services, incident, {"severity": severity}, EventKind.SEVERITY_CHANGED, text, by)


def set_status(services: Services, incident_id: int, status: Status, by: str) -> Incident:
    """Move to `status`; resolving or reopening is refused to those who may not (OnlyCommanderResolves)."""
    incident = services.view_of(incident_id).incident
    if incident.status is status:
        return incident
    if status is Status.RESOLVED or not incident.is_open:
        with services.store.transaction() as tx:
            authority.require_resolver(tx, services.policy.permissions, incident_id, by)
    changes: dict[str, object] = {"status": status}
    if status is Status.RESOLVED:
        changes["resolved_at"] = services.clock.now()
        changes["next_update_due"] = None
    elif incident.resolved_at is not None:
        changes["resolved_at"] = None
    text = f"Status changed from {incident.status.value} to {status.value}"
    return _apply(services, incident, changes, EventKind.STATUS_CHANGED, text, by)


def _apply(
    services: Services,
    incident: Incident,
    changes: dict[str, object],
    kind: EventKind,
    text: str,
    by: str,
) -> Incident:
    now = services.clock.now()
    name = actor_name(services, by)
    with services.store.transaction() as tx:
        current = tx.get_incident(incident.id, for_update=True) or incident
        if current.is_open and changes.get("status") is Status.RESOLVED:
            commitments.cancel_open(tx, incident.id, now)
        changed = tx.save_incident(current.model_copy(update=changes))
        event = tx.add_event(
            NewEvent(
                incident_id=incident.id, kind=kind, text=text, occurred_at=now, actor_id=by, actor_name=name
            )
        )
        notice = outbox.enqueue(tx, OutboxKind.CHANGE_NOTICE, incident.id, event.id, now) if event else None
        sync = outbox.enqueue_sync(tx, incident.id, now)
    outbox.send_or_explain(services, [notice, sync])
    return changed
