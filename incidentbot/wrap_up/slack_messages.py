"""What the wrap-up says in Slack: the resolution with the texts still owed, the postmortem
offer, a kept customer, stakeholder or executive text, a new action item, and an overdue action
item's reminder (`WrapUpMessages`, declared in `ports.py`).

Built on the Workspace primitives and the renderer; registered from `register.py`.
"""

from __future__ import annotations

from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import IncidentView, Workspace
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import channel_of, incident_context
from incidentbot.wrap_up.action_item_rules import ActionItem
from incidentbot.wrap_up.comms_rules import CommsText
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.resolution_rules import Resolution
from incidentbot.wrap_up.slack_blocks_resolution import comms_buttons
from incidentbot.wrap_up.slack_ids import WrapUpAction


class SlackWrapUpMessages:
    def __init__(self, workspace: Workspace, renderer: Renderer) -> None:
        self.workspace = workspace
        self.renderer = renderer

    def post_resolution(self, view: IncidentView, resolution: Resolution, metrics: IncidentMetrics) -> None:
        text, shown = resolution_message(view, resolution, metrics, self.renderer)
        self.workspace.post(channel_of(view), text, shown)

    def offer_postmortem(self, view: IncidentView, user_id: str) -> None:
        text, shown = postmortem_offer(view, self.renderer)
        try:
            self.workspace.ephemeral(channel_of(view), user_id, text, shown)
        except SlackUnavailable:
            self.workspace.dm(user_id, text, shown)

    def post_comms_text(self, view: IncidentView, text: CommsText, channel_id: str) -> str:
        message = self.renderer.render("wrap_up/comms/posted.j2", **incident_context(view, text=text))
        return self.workspace.post(channel_id, message)

    def post_action_item(self, view: IncidentView, item: ActionItem, by: str) -> None:
        text = self.renderer.render("wrap_up/actions/added.j2", **incident_context(view, item=item, by=by))
        self.workspace.post(channel_of(view), text)

    def remind_action_owner(self, view: IncidentView, item: ActionItem, owner_id: str) -> None:
        text, shown = overdue_reminder(view, item, self.renderer)
        self.workspace.dm(owner_id, text, shown)


def resolution_message(
    view: IncidentView, resolution: Resolution, metrics: IncidentMetrics, renderer: Renderer
) -> tuple[str, Blocks]:
    """The internal resolution update, with the texts still owed to customers and leadership."""
    text = renderer.render(
        "wrap_up/resolution/resolved.j2", **incident_context(view, resolution=resolution, metrics=metrics)
    )
    owed = comms_buttons(renderer, view.incident.id, resolved=True)
    return text, [*sections(text), actions(*owed)]


def postmortem_offer(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("wrap_up/resolution/offer_postmortem.j2", **incident_context(view))
    start = button(
        renderer.label("wrapup_buttons.start_postmortem"),
        WrapUpAction.START_POSTMORTEM,
        str(view.incident.id),
        style="primary",
    )
    return text, [*sections(text), actions(start)]


def overdue_reminder(view: IncidentView, item: ActionItem, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("wrap_up/actions/overdue.j2", item=item, **incident_context(view))
    done = button(renderer.label("wrapup_buttons.done"), WrapUpAction.ACTION_DONE, str(item.id))
    return text, [*sections(text), actions(done)]
