"""Sharing the postmortem document as a file (the wrap-up's messages are in
`wrap_up/slack_messages.py`). A mixin of `SlackWorkspace`; it uses that class's `call`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk import WebClient

from incidentbot.rendering import Renderer

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
