"""Slack calls of the outbox; a mixin of `SlackWorkspace`, using its `dm`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from incidentbot.kernel.errors import IncidentError, SlackUnavailable, error_template
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks import incident as incident_blocks
from incidentbot.slack.blocks import outbox as blocks


class OutboxSlack:
    renderer: Renderer

    if TYPE_CHECKING:

        def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str: ...

        def post(
            self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any
        ) -> str: ...

        def ephemeral(
            self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None
        ) -> None: ...

    def report_setup_delayed(self, view: IncidentView, user_id: str, reason: str) -> None:
        text, shown = blocks.setup_delayed(view, self.renderer, reason)
        self.dm(user_id, text, shown)

    def explain_refusal(self, channel_id: str | None, user_id: str, error: IncidentError) -> None:
        text = self.renderer.render(error_template(error.code), detail=error.detail, error=error)
        try:
            if channel_id:
                self.ephemeral(channel_id, user_id, text)
                return
        except SlackUnavailable:
            pass  # not in that channel (any more): a DM reaches them anywhere
        self.dm(user_id, text)

    def post_rendered(self, view: IncidentView, template: str, **context: object) -> str:
        if view.incident.channel_id is None:
            raise SlackUnavailable("the incident has no channel yet")
        text = self.renderer.render(template, **incident_blocks.incident_context(view, **context))
        return self.post(view.incident.channel_id, text)

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        text = self.renderer.render(template, **incident_blocks.incident_context(view, **context))
        return self.dm(user_id, text)
