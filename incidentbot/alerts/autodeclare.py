"""Declaring an incident for a new alert group because a `declare` rule says so.

Part of applying the alert batch that started the group, in the same transaction: the group is
started once (its source and key are unique while open), and a replayed batch finds it started,
so a storm or a second replica declares one incident per group. Nobody pressed a button: the
declarer recorded is the alert rule (`RULE_DECLARER`), which is never invited nor messaged, and
the commander is the rule's when Slack knows them as a person.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from incidentbot.alerts import triage
from incidentbot.alerts.ports import AlertGroup, AlertRepository
from incidentbot.declare.service import Declaration, record_in
from incidentbot.incident.models import Incident, Role, Severity
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.unit_of_work import UnitOfWork

RULE_DECLARER = "alerts"
"""Who an automatically declared incident is declared by: no person; Slack invites and DMs skip it."""


class AutoDeclare(BaseModel):
    """What the matching `declare` rule asks for, journalled with the batch it was decided for."""

    model_config = ConfigDict(frozen=True)

    team_id: str
    severity: Severity
    commander: str | None = None


class RuleDeclaration(Declaration):
    """A declaration without a person behind it: no commander unless the rule names one."""

    def holders(self) -> dict[Role, str]:
        return {Role.COMMANDER: self.commander} if self.commander else {}


def declare(alerts: AlertRepository, uow: UnitOfWork, group: AlertGroup, asked: AutoDeclare) -> Incident:
    """The incident for the group, linked to it in the same unit of work."""
    at = group.last_seen
    declaration = RuleDeclaration(
        team_id=asked.team_id,
        title=group.title,
        severity=asked.severity,
        impact=group.summary or group.title,
        declared_by=RULE_DECLARER,
        commander=_person(uow, asked.commander),
        received_at=at,
    )
    incident = record_in(uow, declaration)
    triage.link(alerts, uow, group, incident.id, RULE_DECLARER, at)
    return incident


def _person(uow: UnitOfWork, user_id: str | None) -> str | None:
    """The commander when Slack knows them as an active person; None otherwise (nobody to page)."""
    if user_id is None:
        return None
    try:
        person = uow.people.person(user_id)
    except SlackUnavailable:
        return None
    if person is None or person.deleted or person.is_bot:
        return None
    return user_id
