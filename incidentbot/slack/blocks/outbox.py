"""Messages about deliveries the outbox is still trying."""

from __future__ import annotations

from incidentbot.incident.models import SetupState
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.ids import Action


def setup_delayed(view: IncidentView, renderer: Renderer, reason: str) -> tuple[str, Blocks]:
    """How the setup stands: ready after all, or still waiting for Slack (with a Retry button)."""
    ready = view.incident.setup_state is SetupState.READY
    text = renderer.render("declare/setup_delayed.j2", **incident_context(view, reason=reason, ready=ready))
    text = text.strip()
    if ready:
        return text, sections(text)
    retry = button(renderer.label("buttons.retry_setup"), Action.RETRY_SETUP, str(view.incident.id))
    return text, [*sections(text), actions(retry)]
