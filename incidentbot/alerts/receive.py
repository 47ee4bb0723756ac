"""Alerts received: grouped into one triage message per group, or onto the incident's timeline."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.alerts import autodeclare
from incidentbot.alerts.autodeclare import AutoDeclare
from incidentbot.alerts.model import AlertBatch, AlertState, ReceivedAlert
from incidentbot.alerts.ports import AlertGroup, AlertRepository, AlertRepositoryFor, NewGroup
from incidentbot.incident.events import AlertReceived
from incidentbot.incident.models import EventKind
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork

TIMELINE_SOURCE = "alert"


class ReceiveAlerts(Command):
    """A sender's request, with where its triage message goes (decided by the rules on receipt)."""

    kind: ClassVar[str] = JournalKind.ALERTS
    batch: AlertBatch
    triage_channel: str
    declare: AutoDeclare | None = None
    """Set when a `declare` rule matched: a group this batch starts gets its incident at once."""


def receive(alerts: AlertRepository, uow: UnitOfWork, command: ReceiveAlerts) -> AlertGroup | None:
    """Record the alerts on their group, owing its triage message; None when nothing needs showing."""
    batch = command.batch
    at = command.received_at or uow.now
    firing = [alert for alert in batch.alerts if alert.state is AlertState.FIRING]
    group = alerts.open_group(batch.source, batch.group_key)
    if group is not None and firing and _finished(uow, group):
        alerts.close_group(group.id)
        group = None
    if group is None:
        if not firing:
            return None  # resolutions of alerts nobody is shown: nothing to triage
        group = alerts.start_group(_new_group(batch, firing[0], command.triage_channel, at))
        if command.declare is not None and _started_here(group):
            incident = autodeclare.declare(alerts, uow, group, command.declare)
            group = group.model_copy(update={"incident_id": incident.id})
    changed = [
        alert for alert in batch.alerts if alerts.record_alert(group.id, alert.fingerprint, alert.state, at)
    ]
    now_firing = alerts.firing(group.id)
    shown_state = group.state
    group = group.model_copy(
        update={
            "received": group.received + len(batch.alerts),
            "last_seen": max(group.last_seen, at),
            "firing": now_firing,
            "state": AlertState.FIRING if now_firing else AlertState.RESOLVED,
        }
    )
    alerts.save_group(group)
    if group.incident_id is not None:
        _on_timeline(uow, group.incident_id, changed, at)
        if group.state is not shown_state:
            uow.emit_sync(group.incident_id)  # the summary shows whether its alerts still fire
    uow.emit_latest(OutboxKind.ALERT_TRIAGE, group.id)
    uow.announce(AlertReceived(group.incident_id, group.id, group.title, group.state.value, group.labels))
    return group


def _started_here(group: AlertGroup) -> bool:
    """Whether this batch started the group: another batch that did has counted itself already."""
    return group.received == 0 and not group.triaged


def _finished(uow: UnitOfWork, group: AlertGroup) -> bool:
    """Whether a new firing deserves a fresh look rather than an edit of this group's message.

    An incident already resolved is not reopened by an alert, and an alert dismissed and since
    resolved is a new question when it fires again.
    """
    if group.incident_id is not None:
        incident = uow.tx.get_incident(group.incident_id)
        return incident is None or not incident.is_open
    return group.dismissed_by is not None and group.state is AlertState.RESOLVED


def _new_group(batch: AlertBatch, first: ReceivedAlert, channel: str, at: datetime) -> NewGroup:
    return NewGroup(
        source=batch.source,
        group_key=batch.group_key,
        channel_id=channel,
        title=first.title,
        summary=first.summary,
        labels=first.labels,
        links=first.links,
        first_seen=first.starts_at or at,
    )


def _on_timeline(uow: UnitOfWork, incident_id: int, changed: list[ReceivedAlert], at: datetime) -> None:
    """Each firing and each resolution once: a repeat of the same state changed nothing."""
    for alert in changed:
        uow.tx.add_event(
            NewEvent(
                incident_id=incident_id,
                kind=EventKind.DETECTION,
                text=f"{alert.state.value}: {alert.title}" + (f" ({alert.summary})" if alert.summary else ""),
                occurred_at=at,
                source=TIMELINE_SOURCE,
            )
        )


def handler(alerts_for: AlertRepositoryFor) -> CommandHandler[ReceiveAlerts, AlertGroup | None]:
    """The command bound to a store: nobody waits on its message, so a delay tells no one."""
    return CommandHandler(
        ReceiveAlerts, lambda uow, command: receive(alerts_for(uow.tx), uow, command), tells_the_actor=False
    )
