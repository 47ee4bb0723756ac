"""What the declaration says in Slack: the alert, the pinned summary with its buttons and the
channel topic, the announcement, and the setup's failure and delay reports
(`DeclarationMessages`, declared in `ports.py`).

Built on the Workspace primitives and the renderer; registered from `register.py`.
"""

from __future__ import annotations

from typing import Any

from incidentbot.cadence.slack_ids import CadenceAction
from incidentbot.declare.slack_ids import DeclareAction
from incidentbot.incident.models import SetupState
from incidentbot.kernel.errors import ChannelRefused
from incidentbot.kernel.ports import IncidentView, Workspace
from incidentbot.rendering import Renderer
from incidentbot.roles.slack_ids import RoleAction
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import channel_of, incident_context
from incidentbot.wrap_up.slack_ids import WrapUpAction


class SlackDeclarationMessages:
    def __init__(self, workspace: Workspace, renderer: Renderer) -> None:
        self.workspace = workspace
        self.renderer = renderer

    def post_alert(self, view: IncidentView) -> str:
        # A template alone, shown in sections; the rendered helper gives it the timeline's reaction.
        return self.workspace.post_rendered(view, "declare/alert.j2")

    def post_summary(self, view: IncidentView) -> str:
        text, blocks = summary(view, self.renderer)
        channel = channel_of(view)
        ts = self.workspace.post(channel, text, blocks)
        self.workspace.pin(channel, ts)
        return ts

    def refresh_summary(self, view: IncidentView) -> None:
        incident = view.incident
        if incident.channel_id is None:
            return
        if incident.summary_ts:
            text, blocks = summary(view, self.renderer)
            self.workspace.edit(incident.channel_id, incident.summary_ts, text, blocks)
        commander = view.roster.commander
        person = self.workspace.person(commander) if commander else None
        commander_name = person.name if person else "none"
        context = incident_context(view, commander_name=commander_name)
        self.workspace.set_topic(incident.channel_id, self.renderer.render("slack/topic.j2", **context))

    def announce(self, view: IncidentView, channel_id: str) -> str:
        text = self.renderer.render("slack/announcement.j2", **incident_context(view))
        return self.workspace.post(channel_id, text)

    def report_announcement_refused(self, view: IncidentView, user_id: str, refusal: ChannelRefused) -> None:
        text = self.renderer.render(
            "declare/announcement_refused.j2",
            **incident_context(view, channel_id=refusal.channel_id, reason=refusal.reason),
        )
        self.workspace.dm(user_id, text)

    def refresh_announcement(self, view: IncidentView) -> None:
        incident = view.incident
        channel, ts = incident.announcement_channel_id, incident.announcement_ts
        if channel and ts:
            text = self.renderer.render("slack/announcement.j2", **incident_context(view))
            self.workspace.edit(channel, ts, text, sections(text))

    def report_setup_failure(self, view: IncidentView, user_id: str, reason: str) -> None:
        text, blocks = setup_failed(view, self.renderer, reason)
        self.workspace.dm(user_id, text, blocks)

    def report_setup_delayed(self, view: IncidentView, user_id: str, reason: str) -> None:
        text, blocks = setup_delayed(view, self.renderer, reason)
        self.workspace.dm(user_id, text, blocks)


def summary(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("slack/summary.j2", **incident_context(view))
    blocks = sections(text)
    if view.incident.is_open:
        blocks.append(actions(*summary_buttons(view, renderer)))
    return text, blocks


def summary_buttons(view: IncidentView, renderer: Renderer) -> list[Any]:
    incident_id = str(view.incident.id)
    buttons = [button(renderer.label("buttons.assign_roles"), RoleAction.OPEN_ASSIGN_ROLES, incident_id)]
    for role in view.roster.unfilled():
        label = renderer.label("buttons.take_role", role=view.policy.role_name(role).lower())
        buttons.append(button(label, f"{RoleAction.TAKE_ROLE}:{role.value}", f"{incident_id}:{role.value}"))
    buttons.append(
        button(
            renderer.label("update_buttons.post_update"),
            CadenceAction.OPEN_UPDATE,
            incident_id,
            style="primary",
        )
    )
    buttons.append(button(renderer.label("wrapup_buttons.resolve"), WrapUpAction.OPEN_RESOLVE, incident_id))
    return buttons


def setup_failed(view: IncidentView, renderer: Renderer, reason: str) -> tuple[str, Blocks]:
    text = renderer.render("declare/setup_failed.j2", **incident_context(view, reason=reason))
    retry = button(renderer.label("buttons.retry_setup"), DeclareAction.RETRY_SETUP, str(view.incident.id))
    return text, [*sections(text), actions(retry)]


def setup_delayed(view: IncidentView, renderer: Renderer, reason: str) -> tuple[str, Blocks]:
    """How the setup stands: ready after all, or still waiting for Slack (with a Retry button)."""
    ready = view.incident.setup_state is SetupState.READY
    text = renderer.render("declare/setup_delayed.j2", **incident_context(view, reason=reason, ready=ready))
    text = text.strip()
    if ready:
        return text, sections(text)
    retry = button(renderer.label("buttons.retry_setup"), DeclareAction.RETRY_SETUP, str(view.incident.id))
    return text, [*sections(text), actions(retry)]
