"""Wrap-up commands applied the way their forms and commands apply them, for tests below Slack."""

from __future__ import annotations

from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.wrap_up import resolve as resolving
from incidentbot.wrap_up.resolution_rules import Resolution


def resolve(services: Services, incident_id: int, given: resolving.ResolutionInput, by: str) -> Resolution:
    command = resolving.ResolveIncident(user_id=by, incident_id=incident_id, given=given)
    return commands.execute(services, resolving.RESOLVE, command, None)
