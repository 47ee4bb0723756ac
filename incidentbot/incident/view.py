"""An incident as it is shown: the noun every port that shows one (store or Slack) shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from incidentbot.incident.models import Incident, Roster
from incidentbot.incident.policy import Policy


@dataclass(frozen=True)
class IncidentView:
    """An incident with everything needed to show it: roles and the policy in force."""

    incident: Incident
    roster: Roster
    policy: Policy
    now: datetime
    extra: dict[str, object] = field(default_factory=dict)
