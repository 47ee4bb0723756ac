"""The workspace the bot is installed in, asked of Slack once (`auth.test`) and then remembered."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from incidentbot.kernel.errors import SlackUnavailable


class WorkspaceTeam:
    """Called for the team id; SlackUnavailable until Slack has answered once."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._team_id: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._team_id is None:
                self._team_id = self._asked()
            return self._team_id

    def _asked(self) -> str:
        try:
            answer = self._client.auth_test()
        except (SlackApiError, SlackClientError, OSError) as error:
            raise SlackUnavailable(f"auth.test: {type(error).__name__}") from error
        return str(answer["team_id"])
