"""One `/incident` call and the router that hands it to its subcommand.

Beneath `commands.py` and every feature's Slack commands, which all import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slack_bolt import Ack

from incidentbot.rendering import Renderer
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
        """Explain how to write the command: `[usage]` in templates/rendering/labels.toml."""
        self.reply(self.deps.renderer.label(f"usage.{key}"))


Handler = Callable[[Invocation], None]


class Where(StrEnum):
    """Where a subcommand does its work; help says so, the handler still checks."""

    ANYWHERE = "anywhere"
    INCIDENT_CHANNEL = "incident_channel"


class Group(StrEnum):
    """Help's sections, in the order a response needs them."""

    START = "start"
    RESPOND = "respond"
    WRAP_UP = "wrap_up"
    MORE = "more"


@dataclass(frozen=True)
class Subcommand:
    """One row of the router table, declared by the feature that handles it.

    The words a person reads are in `templates/<words>`, a TOML file with one table per
    subcommand, named by its first name: `usage`, `does` (one line) and `example`.
    """

    names: tuple[str, ...]
    handler: Handler
    words: str
    group: Group
    where: Where = Where.INCIDENT_CHANNEL
    line: str | None = None
    """A help line given whole, for subcommands added with `Router.add`."""

    @property
    def name(self) -> str:
        return self.names[0]

    def help_entry(self, renderer: Renderer) -> dict[str, Any]:
        """What help shows of this subcommand: its words, aliases and where it works."""
        entry: dict[str, Any] = {"name": self.name, "aliases": self.names[1:], "where": self.where.value}
        if self.line is not None:
            return entry | {"line": self.line}
        words = renderer.words(self.words)[self.name]
        return entry | {"usage": words["usage"], "does": words["does"], "example": words["example"]}


@dataclass
class Router:
    """The router table: every `/incident` subcommand, declared by its feature with `declare`."""

    table: list[Subcommand] = field(default_factory=list)
    _help: tuple[Renderer, int, str] | None = field(default=None, init=False, repr=False, compare=False)
    """The whole help once rendered: for whom, from how many subcommands, and the text."""

    def declare(self, *subcommands: Subcommand) -> None:
        for subcommand in subcommands:
            taken = set(subcommand.names) & {name for known in self.table for name in known.names}
            if taken:
                raise ValueError(f"/incident {', '.join(sorted(taken))} is declared twice")
            self.table.append(subcommand)

    def add(self, names: tuple[str, ...], handler: Handler, help_line: str | None = None) -> None:
        """A subcommand with its help line given whole; `declare` gives help its usage and example."""
        self.declare(Subcommand(names, handler, words="", group=Group.MORE, line=help_line or names[0]))

    def find(self, name: str) -> Subcommand | None:
        return next((s for s in self.table if name in s.names), None)

    def dispatch(self, invocation: Invocation, name: str) -> None:
        subcommand = self.find(name)
        if subcommand is None:
            unknown = invocation.deps.renderer.render("slack/errors/unknown_command.j2", detail=name)
            invocation.reply(unknown + "\n" + help_text(invocation.deps.renderer, self))
            return
        # An error it raises is answered by the app's error handler (`slack/error_answer.py`).
        subcommand.handler(invocation)

    def whole_help(self, renderer: Renderer) -> str:
        """The help of the whole table, rendered once and kept.

        The table and its words do not change while the bot runs; rendering every entry on
        every request doubled the CPU of each `help` (docs/performance.md).
        """
        kept = self._help
        if kept is not None and kept[0] is renderer and kept[1] == len(self.table):
            return kept[2]
        text = renderer.render("slack/help/all.j2", groups=self.help_entries(renderer))
        self._help = (renderer, len(self.table), text)
        return text

    def help_entries(self, renderer: Renderer) -> list[tuple[str, list[dict[str, Any]]]]:
        """The table by group, in `Group` order, each in the order it was declared."""
        return [
            (group.value, [s.help_entry(renderer) for s in self.table if s.group is group])
            for group in Group
            if any(s.group is group for s in self.table)
        ]


def help_text(renderer: Renderer, router: Router) -> str:
    """`/incident help`: every subcommand in the table, with its example."""
    return router.whole_help(renderer)


def show_help(inv: Invocation, router: Router) -> None:
    """`/incident help [subcommand]`: the whole table, or one subcommand's usage and example."""
    renderer = inv.deps.renderer
    asked = inv.args.strip().lower().removeprefix("/incident ").strip()
    subcommand = router.find(asked) if asked else None
    if subcommand is None:
        intro = renderer.render("slack/errors/unknown_command.j2", detail=asked) + "\n" if asked else ""
        inv.reply(intro + help_text(renderer, router))
        return
    inv.reply(renderer.render("slack/help/one.j2", entry=subcommand.help_entry(renderer)))
