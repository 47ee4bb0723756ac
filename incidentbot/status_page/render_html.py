"""The page's HTML: its own Jinja2 environment, autoescaping for HTML (not the Slack mrkdwn one).

Every value is HTML-escaped on the way out, so a title such as `<script>` renders as text.
Links are relative, so the same pages work served by the bot under `/status/` and as files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from incidentbot.rendering.environment import _template_dirs
from incidentbot.status_page.model import ComponentState, PublicIncident
from incidentbot.status_page.overview import Overview

STATE_WORDS = {
    ComponentState.OPERATIONAL: "Operational",
    ComponentState.DEGRADED_PERFORMANCE: "Degraded performance",
    ComponentState.PARTIAL_OUTAGE: "Partial outage",
    ComponentState.MAJOR_OUTAGE: "Major outage",
    ComponentState.UNDER_MAINTENANCE: "Under maintenance",
}


@cache
def environment(time_zone: str = "UTC") -> Environment:
    """One environment per time zone: times are a filter, so imported macros stay cached."""
    dirs = [str(Path(d) / "status_page" / "site") for d in _template_dirs()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    local = _local(ZoneInfo(time_zone))
    env.filters["state_words"] = lambda state: STATE_WORDS[ComponentState(state)]
    env.filters["local"] = local
    env.filters["iso"] = _iso
    env.filters["updates_shown"] = lambda incident: _updates_shown(incident, local)
    return env


@dataclass(frozen=True)
class Moment:
    iso: str
    local: str


@dataclass(frozen=True)
class UpdateShown:
    """One published update as its page shows it, every value worked out once, in Python."""

    stage: str
    published: Moment
    corrected: Moment | None
    body: str
    next_update: Moment | None
    affected: str
    """The components it names, "API (major outage), Dashboard (degraded performance)"."""


def _updates_shown(incident: PublicIncident, local: Callable[[datetime | None], str]) -> list[UpdateShown]:
    def moment(when: datetime) -> Moment:
        return Moment(_iso(when), local(when))

    return [
        UpdateShown(
            stage=update.stage.value.capitalize(),
            published=moment(update.published_at),
            corrected=moment(update.updated_at) if update.corrected else None,
            body=update.body,
            next_update=moment(update.next_update_at) if update.next_update_at else None,
            affected=", ".join(f"{name} ({STATE_WORDS[state].lower()})" for name, state in update.affected),
        )
        for update in incident.updates
    ]


def _local(zone: ZoneInfo) -> Callable[[datetime | None], str]:
    # The same few times (each update's, the next-update times) appear on several pages.
    @lru_cache(maxsize=65536)
    def local(when: datetime | None) -> str:
        if when is None:
            return ""
        shown = when.astimezone(zone)
        return f"{shown.day} {shown:%b %Y, %H:%M} {shown.tzname()}"

    return local


def _iso(when: datetime | None) -> str:
    return when.isoformat().replace("+00:00", "Z") if when else ""


def _render(name: str, page: Overview, depth: int, **context: object) -> str:
    root = "../" * depth
    template = environment(page.config.time_zone).get_template(name)
    return template.render(page=page, config=page.config, root=root, **context)


def index(page: Overview) -> str:
    return _render("index.html.j2", page, 0)


def incident(page: Overview, shown: PublicIncident) -> str:
    return _render("incident.html.j2", page, 1, incident=shown)


def history(page: Overview) -> str:
    """Every published incident, newest first, under the month it started (in the page's zone)."""
    months: dict[str, list[PublicIncident]] = {}
    for shown in page.history:
        months.setdefault(shown.created_at.astimezone(page.config.zone).strftime("%B %Y"), []).append(shown)
    return _render("history.html.j2", page, 0, months=list(months.items()))


@cache
def templates_digest() -> str:
    """A digest of every template and asset of the page, as this process renders them."""
    digest = hashlib.sha256()
    for directory in _template_dirs():
        for path in sorted((Path(directory) / "status_page" / "site").rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def asset(name: str) -> str:
    """A file shipped beside the templates (the stylesheet, the icon), as it is."""
    source = environment().loader
    assert source is not None
    text, _, _ = source.get_source(environment(), name)
    return text
