"""Every message the bot posts or edits in a drill's channel carries a DRILL line (`drills/`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incidentbot.slack.blocks.common import context, sections
from incidentbot.slack.gateway import SlackWorkspace

MAX_MESSAGE_BLOCKS = 50
"""Slack takes at most 50 blocks in a message."""


def never(channel_id: str) -> bool:
    return False


def forget(channel_id: str, name: str) -> None:
    return None


class MarkingWorkspace(SlackWorkspace):
    """The Slack workspace, marking what it posts or edits in a drill's channel."""

    is_drill_channel: Callable[[str], bool] = staticmethod(never)
    """Set at wiring time to a lookup in the store (`drills/marking.py`)."""
    channel_created: Callable[[str, str], None] = staticmethod(forget)
    """Told each channel this process creates, with its name (`drills/marking.py`)."""

    def create_channel(self, name: str, *, private: bool) -> str:
        channel_id = super().create_channel(name, private=private)
        self.channel_created(channel_id, name)
        return channel_id

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any) -> str:
        text, marked_blocks = self._marked(channel, text, blocks or sections(text))
        return super().post(channel, text, marked_blocks, **kw)

    def edit(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        text, marked_blocks = self._marked(channel, text, blocks)
        super().edit(channel, ts, text, marked_blocks)

    def _marked(
        self, channel: str, text: str, blocks: list[dict[str, Any]]
    ) -> tuple[str, list[dict[str, Any]]]:
        if not self.is_drill_channel(channel):
            return text, blocks
        marker = self.renderer.render("slack/drill_marker.j2")
        # The notification's first line too, so nobody reads a drill's message as a real incident.
        return f"{marker}\n{text}", [context(marker), *blocks][:MAX_MESSAGE_BLOCKS]
