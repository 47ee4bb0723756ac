"""What listeners are given, and how they answer the person who asked.

A listener runs on the thread that received the request, and Slack gets its answer only when the
listener returns (`slack/app.py`). So a listener checks, records and acknowledges, and hands any
Slack call that follows the ack to `later`, `open_modal`, `modal_later` or `tell_later`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from incidentbot.config import TeamConfig
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, SlackUnavailable, error_template
from incidentbot.rendering import Renderer
from incidentbot.roles.actors import actor_name
from incidentbot.slack.ack_first import AckFirst
from incidentbot.slack.gateway import SlackWorkspace
from incidentbot.status_page.render_site import StatusPage

log = logging.getLogger(__name__)
LATER_PATIENCE_SECONDS = 2.0
"""How long work after an ack gives way to acknowledgements before it runs regardless."""
MODAL_PATIENCE_SECONDS = 0.5
"""Shorter for modals: their trigger_id expires 3 s after the click."""


@dataclass(frozen=True)
class Deps:
    services: Services
    workspace: SlackWorkspace
    renderer: Renderer
    team: TeamConfig
    background: Executor
    """Runs the slow Slack work that follows an acknowledgement, off the request threads."""
    modals: Executor
    """Opens modals: a trigger_id expires 3 s after the click, so this never waits behind slow work."""
    ack_first: AckFirst = field(default_factory=AckFirst)
    """Counts the requests being acknowledged; work after an ack waits for them (see ack_first.py)."""
    status_page: StatusPage | None = None
    """The public status page, when the team config lists components for it."""

    def only_commander_resolves(self, labels: str, commander: str | None) -> str:
        """A form's refusal to resolve, from the `labels` group, naming the commander when known."""
        name = actor_name(self.services, commander)
        if name:
            return self.renderer.label(f"{labels}.only_named_commander_resolves", commander=name)
        return self.renderer.label(f"{labels}.only_commander_resolves")

    def error_text(self, error: IncidentError) -> str:
        return self.renderer.render(error_template(error.code), detail=error.detail, error=error)

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

    def tell_later(self, channel_id: str | None, user_id: str, text: str) -> None:
        """`tell`, after the acknowledgement: a listener never waits for Slack before answering."""
        self.background.submit(self.tell, channel_id, user_id, text)

    def later(self, channel_id: str | None, user_id: str, work: Callable[[], object]) -> None:
        """Do `work` after the acknowledgement; a failure is explained to the person who asked.

        A small pool of its own keeps slow Slack calls from competing with the threads that
        acknowledge new requests.
        """
        self.background.submit(self._after_acks, LATER_PATIENCE_SECONDS, channel_id, user_id, work)

    def open_modal(
        self, trigger_id: str, build: Callable[[], dict[str, Any]], channel_id: str | None, user_id: str
    ) -> None:
        """Build a modal and open it, after the acknowledgement, on the pool kept for modals."""

        self.modal_later(channel_id, user_id, lambda: self.show_modal(trigger_id, build()))

    def modal_later(self, channel_id: str | None, user_id: str, work: Callable[[], object]) -> None:
        """Like `later`, for work that ends in opening a modal: it goes first, before the trigger dies."""
        self.modals.submit(self._after_acks, MODAL_PATIENCE_SECONDS, channel_id, user_id, work)

    def _after_acks(
        self, patience: float, channel_id: str | None, user_id: str, work: Callable[[], object]
    ) -> None:
        self.ack_first.wait_for_quiet(patience)
        self.explaining_failures(channel_id, user_id, work)

    def show_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal now, from work after the ack (`open_modal`, `modal_later`)."""
        self.workspace.open_view(trigger_id, view)

    def explaining_failures(self, channel_id: str | None, user_id: str, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception as error:
            self.tell(channel_id, user_id, self.failure_text(user_id, error))

    def failure_text(self, user_id: str, error: Exception) -> str:
        """What to tell the person whose request failed; unexpected errors are logged, not shown."""
        if isinstance(error, IncidentError):
            return self.error_text(error)
        if isinstance(error, SlackUnavailable):
            return self.renderer.render("slack/errors/slack_unavailable.j2", detail=str(error))
        # The frames, not the message: an exception's message may quote what someone typed.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("work for %s failed with %s\n%s", user_id, type(error).__name__, frames)
        return self.renderer.render("slack/errors/internal.j2")
