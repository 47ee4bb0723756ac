"""One `/incident` call and the router that hands it to its subcommand.

Beneath `commands.py` and every feature's Slack commands, which all import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack

from incidentbot.kernel.errors import IncidentError
from incidentbot.slack.listeners.deps import Deps


@dataclass
class Invocation:
    """One `/incident` call: who, where, and the words after the subcommand."""

    deps: Deps
    ack: Ack
    body: dict[str, Any]
    args: str
    acked: bool = False

    def acknowledge(self) -> None:
        """Tell Slack we have it; anything said later goes as an ephemeral message."""
        if not self.acked:
            self.acked = True
            self.ack()

    @property
    def user_id(self) -> str:
        return str(self.body["user_id"])

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))

    @property
    def team_id(self) -> str:
        return str(self.body.get("team_id", ""))

    def reply(self, text: str) -> None:
        """Answer in the acknowledgement (ephemeral, always delivered) or, once acknowledged, after it."""
        if self.acked:
            self.deps.tell_later(self.channel_id or None, self.user_id, text)
            return
        self.acked = True
        self.ack(text=text)

    def reply_with_blocks(self, text: str, blocks: list[dict[str, Any]]) -> None:
        """Answer in the acknowledgement with buttons; `text` is the notification fallback."""
        self.acked = True
        self.ack(text=text, blocks=blocks)

    def tell(self, text: str) -> None:
        """Send `text` to the person now, apart from the acknowledgement: for work after the ack."""
        self.deps.tell(self.channel_id or None, self.user_id, text)

    def later(self, work: Callable[[], object]) -> None:
        """Acknowledge now and do the slow part afterwards, explaining any failure."""
        self.acknowledge()
        self.deps.later(self.channel_id or None, self.user_id, work)

    def open_modal(self, build: Callable[[], dict[str, Any]]) -> None:
        """Acknowledge now and open the modal `build` returns right after."""
        self.acknowledge()
        self.deps.open_modal(
            str(self.body.get("trigger_id", "")), build, self.channel_id or None, self.user_id
        )

    def usage(self, key: str) -> None:
        """Explain how to write the command: `[usage]` in templates/labels.toml."""
        self.reply(self.deps.renderer.label(f"usage.{key}"))


Handler = Callable[[Invocation], None]


@dataclass
class Router:
    """Subcommand name → handler; feature modules add theirs with `add`."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    help_lines: list[str] = field(default_factory=list)

    def add(self, names: tuple[str, ...], handler: Handler, help_line: str | None = None) -> None:
        for name in names:
            self.handlers[name] = handler
        if help_line:
            self.help_lines.append(help_line)

    def dispatch(self, invocation: Invocation, name: str) -> None:
        handler = self.handlers.get(name)
        if handler is None:
            unknown = invocation.deps.renderer.render("errors/unknown_command.j2", detail=name)
            invocation.reply(unknown + "\n" + help_text(invocation.deps, self))
            return
        try:
            handler(invocation)
        except IncidentError as error:
            invocation.reply(invocation.deps.error_text(error))


def help_text(deps: Deps, router: Router) -> str:
    return deps.renderer.render("help.j2", extra=router.help_lines)
