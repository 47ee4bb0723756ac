"""What listeners are given, and how they answer the person who asked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

from incidentbot.config import TeamConfig
from incidentbot.rendering import Renderer
from incidentbot.services.context import Services
from incidentbot.services.errors import IncidentError, SlackUnavailable
from incidentbot.slack.gateway import SlackWorkspace

log = logging.getLogger(__name__)
P = ParamSpec("P")


@dataclass(frozen=True)
class Deps:
    services: Services
    workspace: SlackWorkspace
    renderer: Renderer
    team: TeamConfig

    def error_text(self, error: IncidentError) -> str:
        return self.renderer.render(f"errors/{error.code}.j2", detail=error.detail)

    def tell(self, channel_id: str | None, user_id: str, text: str) -> None:
        """An ephemeral note in the channel, or a DM where the bot cannot post there."""
        try:
            if channel_id:
                self.workspace.ephemeral(channel_id, user_id, text)
                return
        except SlackUnavailable:
            pass
        try:
            self.workspace.dm(user_id, text)
        except SlackUnavailable:
            log.warning("could not tell %s: %s", user_id, text[:200])


def answering_errors(
    deps: Deps, where: Callable[[dict[str, Any]], tuple[str | None, str]]
) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Turn errors raised after the acknowledgement into a message to the person who acted.

    `where(body)` says which channel and user to answer. Nothing reaches Slack as a traceback.
    """

    def decorate(listener: Callable[P, None]) -> Callable[P, None]:
        @wraps(listener)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            body = kwargs.get("body")
            assert isinstance(body, dict)
            try:
                listener(*args, **kwargs)
            except IncidentError as error:
                channel, user = where(body)
                deps.tell(channel, user, deps.error_text(error))
            except SlackUnavailable as error:
                channel, user = where(body)
                deps.tell(
                    channel, user, deps.renderer.render("errors/slack_unavailable.j2", detail=str(error))
                )
            except Exception:
                log.exception("listener %s failed", listener.__name__)
                channel, user = where(body)
                deps.tell(channel, user, deps.renderer.render("errors/internal.j2"))

        return guarded

    return decorate
