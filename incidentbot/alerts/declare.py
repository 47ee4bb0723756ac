"""Declaring an incident from an alert group: the incident and its link to the alert, in one command.

Journalled as one request, so a process killed while the incident's channel is being built
leaves both recorded, or neither; never an incident that has lost its alert.
"""

from __future__ import annotations

from typing import ClassVar

from incidentbot.alerts import triage
from incidentbot.alerts.ports import AlertRepository, AlertRepositoryFor
from incidentbot.declare.service import Declaration, record_in
from incidentbot.incident.models import Incident
from incidentbot.kernel.commands import CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork


class DeclareFromAlert(Declaration):
    kind: ClassVar[str] = JournalKind.DECLARE_FROM_ALERT
    group_id: int


def declare(alerts: AlertRepository, uow: UnitOfWork, command: DeclareFromAlert) -> Incident:
    """The incident, linked to the group unless someone triaged the group meanwhile (the first stands)."""
    incident = record_in(uow, command)
    group = triage.untriaged(alerts, command.group_id)
    if group is not None:
        triage.link(alerts, uow, group, incident.id, command.declared_by, command.received_at or uow.now)
    return incident


def handler(alerts_for: AlertRepositoryFor) -> CommandHandler[DeclareFromAlert, Incident]:
    """As the declare command: nobody waits on the setup it owes, which is built in the same thread."""
    return CommandHandler(
        DeclareFromAlert,
        lambda uow, command: declare(alerts_for(uow.tx), uow, command),
        tells_the_actor=False,
    )
