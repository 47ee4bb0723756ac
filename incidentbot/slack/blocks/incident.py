"""Messages about one incident: the alert, the pinned summary, and their text renderings."""

from __future__ import annotations

from typing import Any

from incidentbot.incident.models import Role
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.ids import Action, WrapUpAction


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


def summary(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("slack/summary.j2", **incident_context(view))
    blocks = sections(text)
    if view.incident.is_open:
        blocks.append(actions(*summary_buttons(view, renderer)))
    return text, blocks


def summary_buttons(view: IncidentView, renderer: Renderer) -> list[Any]:
    incident_id = str(view.incident.id)
    buttons = [button(renderer.label("buttons.assign_roles"), Action.OPEN_ASSIGN_ROLES, incident_id)]
    for role in view.roster.unfilled():
        label = renderer.label("buttons.take_role", role=view.policy.role_name(role).lower())
        buttons.append(button(label, f"{Action.TAKE_ROLE}:{role.value}", f"{incident_id}:{role.value}"))
    buttons.append(
        button(renderer.label("update_buttons.post_update"), Action.OPEN_UPDATE, incident_id, style="primary")
    )
    buttons.append(button(renderer.label("wrapup_buttons.resolve"), WrapUpAction.OPEN_RESOLVE, incident_id))
    return buttons


def alert(view: IncidentView, renderer: Renderer, reaction: str) -> tuple[str, Blocks]:
    text = renderer.render("declare/alert.j2", **incident_context(view, reaction=reaction))
    return text, sections(text)


def setup_failed(view: IncidentView, renderer: Renderer, reason: str) -> tuple[str, Blocks]:
    text = renderer.render("declare/setup_failed.j2", **incident_context(view, reason=reason))
    retry = button(renderer.label("buttons.retry_setup"), Action.RETRY_SETUP, str(view.incident.id))
    return text, [*sections(text), actions(retry)]
