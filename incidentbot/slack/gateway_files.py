"""Slack's file upload, step by step: ask for an upload URL, send the bytes, complete the upload.

`files.upload` is retired; `files_upload_v2` does the three steps in one call, which leaves a
caller that is retried no way to tell a completed upload from one that never started. Here each
step is its own call, so a delivery can remember the file id between them and never share a file
twice. A mixin of `SlackWorkspace`; it uses that class's `client` and `call`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.error import HTTPError

from slack_sdk import WebClient

from incidentbot.kernel.errors import SlackUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


class FileUploadSlack:
    client: WebClient

    if TYPE_CHECKING:

        def call(self, method: str, do: Callable[[], T], *, channel: str | None = None) -> T: ...

        def recent_messages(self, channel: str, *, with_metadata: bool = False) -> list[dict[str, Any]]: ...

    def start_upload(self, filename: str, length: int) -> tuple[str, str]:
        """Step one: the file id and the URL to send exactly `length` bytes to."""
        response = self.call(
            "files.getUploadURLExternal",
            lambda: self.client.files_getUploadURLExternal(filename=filename, length=length),
        )
        return str(response["file_id"]), str(response["upload_url"])

    def send_upload(self, upload_url: str, content: bytes) -> bool:
        """Step two: the bytes to the URL of step one; False when Slack refuses them there."""
        web = self.client  # its own timeout, proxy and TLS settings, as files_upload_v2 uses them
        try:
            result = web._upload_file(
                url=upload_url, data=content, logger=log, timeout=web.timeout, proxy=web.proxy, ssl=web.ssl
            )
        except HTTPError as error:
            if error.code >= 500:
                raise SlackUnavailable(f"file upload: HTTP {error.code}") from error
            return False  # the URL is unknown or spent: refused, not unavailable
        except OSError as error:
            raise SlackUnavailable(f"file upload: {type(error).__name__}") from error
        if result.status is not None and result.status >= 500:
            raise SlackUnavailable(f"file upload: HTTP {result.status}")
        return result.status == 200

    def complete_upload(self, file_id: str, title: str, channel_id: str, comment: str) -> None:
        """Step three: share the uploaded file in `channel_id`, with `comment` above it."""
        self.call(
            "files.completeUploadExternal",
            lambda: self.client.files_completeUploadExternal(
                files=[{"id": file_id, "title": title}], channel_id=channel_id, initial_comment=comment
            ),
            channel=channel_id,
        )

    def file_shared(self, channel_id: str, file_id: str) -> bool:
        """Whether a recent message in the channel carries the file: an upload completed before.

        One page of the latest messages, as a retried inject looks (`recent_messages`): the most
        Slack returns to an app outside its Marketplace."""
        for message in self.recent_messages(channel_id, with_metadata=True):
            files = message.get("files")
            if any(isinstance(f, dict) and f.get("id") == file_id for f in files or []):
                return True
        return False
