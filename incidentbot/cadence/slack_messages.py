"""What the cadence says in Slack: the posted update, the nag DM with its buttons, the snoozed
nag, the channel's notice and the escalation (`CadenceMessages`, declared in `ports.py`).

Built on the Workspace primitives and the renderer; registered from `register.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from incidentbot.cadence.commitment_rules import Commitment
from incidentbot.cadence.slack_ids import CadenceAction
from incidentbot.cadence.update_rules import FIELD_MAX, Update
from incidentbot.kernel.ports import IncidentView, Workspace
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import channel_of, incident_context


class SlackCadenceMessages:
    def __init__(self, workspace: Workspace, renderer: Renderer) -> None:
        self.workspace = workspace
        self.renderer = renderer

    def post_update(self, view: IncidentView, update: Update) -> str:
        text, blocks = internal_update(view, update, self.renderer)
        return self.workspace.post(channel_of(view), text, blocks)

    def send_nag(self, view: IncidentView, commitment: Commitment, owner: str) -> str:
        text, blocks = nag(view, commitment, self.renderer)
        return self.workspace.dm(owner, text, blocks)

    def show_snoozed(self, view: IncidentView, commitment: Commitment, channel: str, ts: str) -> None:
        text, blocks = snoozed(view, commitment, self.renderer)
        self.workspace.edit(channel, ts, text, blocks)

    def post_nag_notice(self, view: IncidentView, commitment: Commitment, owner: str | None) -> None:
        self.workspace.post(channel_of(view), nag_notice(view, commitment, owner, self.renderer))

    def post_escalation(self, view: IncidentView, commitment: Commitment) -> None:
        self.workspace.post(channel_of(view), escalation(view, commitment, self.renderer))


@dataclass(frozen=True)
class Clipped:
    """A field's text as shown in Slack, and how many characters were left out."""

    text: str
    hidden: int = 0


def clip(text: str | None, limit: int = FIELD_MAX) -> Clipped:
    text = text or ""
    if len(text) <= limit:
        return Clipped(text)
    return Clipped(text[:limit].rstrip(), len(text) - limit)


def internal_update(view: IncidentView, update: Update, renderer: Renderer) -> tuple[str, Blocks]:
    parts = {
        "theory": clip(update.theory),
        "tried": clip(update.tried),
        "doing": clip(update.doing),
        "impact": clip(update.impact),
        "customer": clip(update.customer_text),
    }
    text = renderer.render(
        "cadence/updates/internal.j2", **incident_context(view, update=update, parts=parts)
    )
    return text, sections(text)


def nag(view: IncidentView, commitment: Commitment, renderer: Renderer) -> tuple[str, Blocks]:
    escalate_at = max(view.now, commitment.due_at) + view.incident.in_its_time(view.policy.escalation_grace)
    text = renderer.render(
        "cadence/updates/nag.j2", **incident_context(view, commitment=commitment, escalate_at=escalate_at)
    )
    return text, [*sections(text), actions(*nag_buttons(view, commitment, renderer))]


def nag_buttons(view: IncidentView, commitment: Commitment, renderer: Renderer) -> list[Any]:
    buttons = [post_update_button(view, renderer)]
    for minutes in view.policy.snooze_choices_minutes:
        buttons.append(
            button(
                renderer.label("update_buttons.snooze", minutes=minutes),
                f"{CadenceAction.SNOOZE}:{minutes}",
                f"{commitment.id}:{minutes}",
            )
        )
    return buttons


def post_update_button(view: IncidentView, renderer: Renderer) -> Any:
    return button(
        renderer.label("update_buttons.post_update"),
        CadenceAction.OPEN_UPDATE,
        str(view.incident.id),
        style="primary",
    )


def snoozed(view: IncidentView, commitment: Commitment, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("cadence/updates/snoozed.j2", **incident_context(view, commitment=commitment))
    return text, [*sections(text), actions(post_update_button(view, renderer))]


def nag_notice(view: IncidentView, commitment: Commitment, owner: str | None, renderer: Renderer) -> str:
    return renderer.render(
        "cadence/updates/nag_notice.j2", **incident_context(view, commitment=commitment, owner=owner)
    )


def escalation(view: IncidentView, commitment: Commitment, renderer: Renderer) -> str:
    return renderer.render("cadence/updates/escalation.j2", **incident_context(view, commitment=commitment))
