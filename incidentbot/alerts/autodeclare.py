"""Declaring an incident for a new alert group because a `declare` rule says so.

Part of applying the alert batch that started the group, in the same transaction: the group is
started once (its source and key are unique while open), and a replayed batch finds it started,
so a storm or a second replica declares one incident per group. Nobody pressed a button: the
declarer recorded is the alert rule (`RULE_DECLARER`), which is never invited nor messaged: the
setup's notices go to the commander, else to the alert channel. The commander is the rule's
person or its user group's first member, found after the commit (`commander.py`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from incidentbot.alerts import triage
from incidentbot.alerts.commander import CommanderAsked
from incidentbot.alerts.ports import AlertGroup, AlertRepository
from incidentbot.declare.service import Declaration, record_in
from incidentbot.incident.models import Incident, Role, Severity
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.unit_of_work import UnitOfWork

RULE_DECLARER = "alerts"
"""Who an automatically declared incident is declared by: no person; Slack invites and DMs skip it."""


class AutoDeclare(BaseModel):
    """What the matching `declare` rule asks for, journalled with the batch it was decided for."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    severity: Severity
    commander: str | None = None
    """The rule's: a person (`U…`), a user group (`S…`), or nobody."""


class RuleDeclaration(Declaration):
    """A declaration without a person behind it: no commander unless the rule names one."""

    def holders(self) -> dict[Role, str]:
        return {Role.COMMANDER: self.commander} if self.commander else {}


def declare(alerts: AlertRepository, uow: UnitOfWork, group: AlertGroup, asked: AutoDeclare) -> Incident:
    """The incident for the group, linked to it in the same unit of work; its commander is found
    after the commit (`alert_commander`), so nothing here waits on Slack."""
    at = group.last_seen
    declaration = RuleDeclaration(
        team_id=asked.team_id,
        title=group.title,
        severity=asked.severity,
        impact=group.summary or group.title,
        declared_by=RULE_DECLARER,
        received_at=at,
    )
    incident = record_in(uow, declaration)
    triage.link(alerts, uow, group, incident.id, RULE_DECLARER, at)
    payload = CommanderAsked(commander=asked.commander).model_dump_json()
    uow.emit(OutboxKind.ALERT_COMMANDER, incident.id, incident.id, payload)
    return incident
