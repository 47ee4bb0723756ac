"""Slack calls of the outbox; a mixin of `SlackWorkspace`, using its `dm`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from incidentbot.kernel.errors import IncidentError, SlackUnavailable, error_template
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks import incident as incident_blocks


class OutboxSlack:
    renderer: Renderer
    reaction: str

    if TYPE_CHECKING:

        def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str: ...

        def post(
            self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any
        ) -> str: ...

        def ephemeral(
            self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None
        ) -> None: ...

        def recent_messages(self, channel: str, *, with_metadata: bool = False) -> list[dict[str, Any]]: ...

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
        return self.post(view.incident.channel_id, self._render(view, template, context))

    def post_rendered_once(
        self, view: IncidentView, template: str, key: str, *, look_first: bool, **context: object
    ) -> str:
        channel = view.incident.channel_id
        if channel is None:
            raise SlackUnavailable("the incident has no channel yet")
        if look_first:
            for message in self.recent_messages(channel, with_metadata=True):
                if _key_of(message) == key and isinstance(message.get("ts"), str):
                    return str(message["ts"])
        text = self._render(view, template, context)
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        return self.post(channel, text, metadata=metadata)

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        return self.dm(user_id, self._render(view, template, context))

    def _render(self, view: IncidentView, template: str, context: dict[str, object]) -> str:
        """`template` with what every incident template may use, the timeline's reaction emoji
        (`:{{ reaction }}:`) and `context`."""
        return self.renderer.render(
            template, **incident_blocks.incident_context(view, **{"reaction": self.reaction, **context})
        )


METADATA_EVENT = "incidentbot_delivery"
"""The metadata event type of a message posted with `post_rendered_once`; its payload's `key`
names the delivery."""


def _key_of(message: dict[str, Any]) -> object:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return None
    payload = metadata.get("event_payload")
    return payload.get("key") if isinstance(payload, dict) else None
