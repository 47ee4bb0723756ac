"""Triage decisions on an alert group: dismissed with a reason, or attached to an open incident."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from incidentbot.alerts.ports import AlertGroup, AlertRepository, AlertRepositoryFor
from incidentbot.incident.models import EventKind
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import IncidentClosed, IncidentNotFound
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork

REASON_MAX = 500
TIMELINE_SOURCE = "alert"


class DismissAlerts(Command):
    kind: ClassVar[str] = JournalKind.DISMISS_ALERTS
    group_id: int
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class AttachAlerts(Command):
    kind: ClassVar[str] = JournalKind.ATTACH_ALERTS
    group_id: int
    incident_id: int


def dismiss(alerts: AlertRepository, uow: UnitOfWork, command: DismissAlerts) -> AlertGroup | None:
    group = untriaged(alerts, command.group_id)
    if group is None:
        return None
    dismissed = group.model_copy(update={"dismissed_by": command.user_id, "dismissed_reason": command.reason})
    alerts.save_group(dismissed)
    uow.emit_latest(OutboxKind.ALERT_TRIAGE, group.id)
    return dismissed


def attach(alerts: AlertRepository, uow: UnitOfWork, command: AttachAlerts) -> AlertGroup | None:
    """From now on the group's firings and resolutions go on the incident's timeline."""
    group = untriaged(alerts, command.group_id)
    if group is None:
        return None
    incident = uow.tx.get_incident(command.incident_id)
    if incident is None:
        raise IncidentNotFound(str(command.incident_id))
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    return link(alerts, uow, group, incident.id, command.user_id, command.received_at or uow.now)


def link(
    alerts: AlertRepository, uow: UnitOfWork, group: AlertGroup, incident_id: int, actor: str, at: datetime
) -> AlertGroup:
    """Attach the group to an open incident, with a timeline entry saying so."""
    attached = group.model_copy(update={"incident_id": incident_id})
    alerts.save_group(attached)
    uow.tx.add_event(
        NewEvent(
            incident_id=incident_id,
            kind=EventKind.DETECTION,
            text=f"alert attached: {group.title}" + (f" ({group.summary})" if group.summary else ""),
            occurred_at=at,
            actor_id=actor,
            source=TIMELINE_SOURCE,
        )
    )
    uow.emit_latest(OutboxKind.ALERT_TRIAGE, group.id)
    incident = uow.tx.get_incident(incident_id)
    if incident is not None and incident.channel_id is None:
        # Declared just now: the triage message links the channel once it is made.
        uow.emit(OutboxKind.ALERT_CHANNEL_LINK, incident_id, group.id)
    uow.emit_sync(incident_id)
    return attached


def untriaged(alerts: AlertRepository, group_id: int) -> AlertGroup | None:
    """The group, unless gone or decided already: two people decided at once, the first stands."""
    group = alerts.group(group_id)
    return None if group is None or group.triaged else group


def dismiss_handler(alerts_for: AlertRepositoryFor) -> CommandHandler[DismissAlerts, AlertGroup | None]:
    return CommandHandler(DismissAlerts, lambda uow, command: dismiss(alerts_for(uow.tx), uow, command))


def attach_handler(alerts_for: AlertRepositoryFor) -> CommandHandler[AttachAlerts, AlertGroup | None]:
    return CommandHandler(AttachAlerts, lambda uow, command: attach(alerts_for(uow.tx), uow, command))
