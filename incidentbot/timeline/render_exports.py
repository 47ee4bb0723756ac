"""Timeline exports: Markdown (`*.md.j2`) and CSV (`*.csv.j2`) templates, each escaped for its format.

They share the Slack renderer's templates and labels, but not its mrkdwn escaping: a second
Jinja environment per format finalizes every printed value with that format's escape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, StrictUndefined

from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.rendering.environment import Renderer
from incidentbot.rendering.formats import csv_field, markdown_escape, markdown_link
from incidentbot.timeline.rules import SCRIBE_KINDS


@dataclass(frozen=True)
class Row:
    event: TimelineEvent
    actor: str
    """The actor's name, else their id, else the bot's own name."""
    kind_label: str
    """The kind a scribe chose (`Decision`), empty for notes and automatic events."""


def rows(events: Sequence[TimelineEvent], renderer: Renderer) -> list[Row]:
    bot = renderer.label("timeline.bot_actor")
    kind_labels = {kind: renderer.label(f"timeline_kinds.{kind.value}") for kind in SCRIBE_KINDS}
    kind_labels[EventKind.OTHER] = ""
    return [
        Row(
            event=event,
            actor=event.actor_name or event.actor_id or bot,
            kind_label=kind_labels.get(event.kind, ""),
        )
        for event in events
    ]


def _stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else ""


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when else ""


class ExportRenderer:
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self._envs = {
            ".md.j2": self._environment(markdown_escape, link=markdown_link),
            ".csv.j2": self._environment(csv_field),
        }

    def _environment(self, escape: Callable[[object], str], **filters: Any) -> Environment:
        env = Environment(
            loader=self.renderer.env.loader,
            autoescape=False,
            finalize=escape,
            undefined=StrictUndefined,
            auto_reload=False,  # templates ship with the bot; no stat() per render
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters.update(stamp=_stamp, iso=_iso, **filters)
        return env

    def render(self, name: str, **context: Any) -> str:
        suffix = next((s for s in self._envs if name.endswith(s)), None)
        if suffix is None:
            raise ValueError(f"{name}: export templates end in .md.j2 or .csv.j2")
        return self._envs[suffix].get_template(name).render(**context).strip() + "\n"

    def timeline(self, incident: Incident, events: Sequence[TimelineEvent], fmt: str = "md") -> str:
        """The whole timeline; Markdown lists corrections apart, after the table."""
        all_rows = rows(events, self.renderer)
        if fmt == "csv":
            return self.render("timeline/export.csv.j2", incident=incident, rows=all_rows)
        entries = [r for r in all_rows if r.event.kind is not EventKind.TIMELINE_CORRECTED]
        corrections = [r for r in all_rows if r.event.kind is EventKind.TIMELINE_CORRECTED]
        return self.render(
            "timeline/export.md.j2",
            incident=incident,
            rows=entries,
            corrections=corrections,
            message_word=self.renderer.label("timeline.message_link"),
        )
