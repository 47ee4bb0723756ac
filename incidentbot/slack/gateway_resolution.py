"""Slack calls for resolution, customer and stakeholder texts, action items and postmortem files.

A mixin of `SlackWorkspace`; it uses that class's `post`, `ephemeral`, `dm` and `call`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk import WebClient

from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.action_item_rules import ActionItem
from incidentbot.wrap_up.comms_rules import CommsText
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.resolution_rules import Resolution

T = TypeVar("T")


class ResolutionSlack:
    client: WebClient
    renderer: Renderer

    if TYPE_CHECKING:

        def call(self, method: str, do: Callable[[], T]) -> T: ...
        def post(
            self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any
        ) -> str: ...
        def ephemeral(
            self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None
        ) -> None: ...
        def dm(self, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str: ...

    def post_resolution(self, view: IncidentView, resolution: Resolution, metrics: IncidentMetrics) -> None:
        text, shown = blocks.resolution_message(view, resolution, metrics, self.renderer)
        self.post(_channel(view), text, shown)

    def offer_postmortem(self, view: IncidentView, user_id: str) -> None:
        text, shown = blocks.postmortem_offer(view, self.renderer)
        try:
            self.ephemeral(_channel(view), user_id, text, shown)
        except SlackUnavailable:
            self.dm(user_id, text, shown)

    def post_comms_text(self, view: IncidentView, text: CommsText, channel_id: str) -> str:
        message = self.renderer.render("wrap_up/comms/posted.j2", **incident_context(view, text=text))
        return self.post(channel_id, message)

    def post_action_item(self, view: IncidentView, item: ActionItem, by: str) -> None:
        text = self.renderer.render("wrap_up/actions/added.j2", **incident_context(view, item=item, by=by))
        self.post(_channel(view), text)

    def remind_action_owner(self, view: IncidentView, item: ActionItem, owner_id: str) -> None:
        text, shown = blocks.overdue_reminder(view, item, self.renderer)
        self.dm(owner_id, text, shown)

    def upload_document(self, channel_id: str, filename: str, content: str, title: str, comment: str) -> str:
        """Share a text file in a channel (files.upload v2); returns the file id."""
        response = self.call(
            "files.upload",
            lambda: self.client.files_upload_v2(
                channel=channel_id,
                content=content.encode("utf-8"),
                filename=filename,
                title=title,
                initial_comment=comment,
            ),
        )
        file = response.get("file") or {}
        return str(file.get("id", ""))


def _channel(view: IncidentView) -> str:
    if view.incident.channel_id is None:
        raise SlackUnavailable("the incident has no channel yet")
    return view.incident.channel_id
