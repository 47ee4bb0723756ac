"""What every message about one incident shares: its templates' context, and its channel."""

from __future__ import annotations

from typing import Any

from incidentbot.incident.models import Role
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import IncidentView


def incident_context(view: IncidentView, **extra: Any) -> dict[str, Any]:
    """What every incident template may use."""
    return {
        "incident": view.incident,
        "roster": view.roster,
        "policy": view.policy,
        "roles": list(Role),
        "now": view.now,
        **view.extra,
        **extra,
    }


def channel_of(view: IncidentView) -> str:
    """The incident's channel, to post in; SlackUnavailable while its setup has not made one."""
    if view.incident.channel_id is None:
        raise SlackUnavailable("the incident has no channel yet")
    return view.incident.channel_id
