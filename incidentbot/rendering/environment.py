"""The Jinja2 environment.

Slack mrkdwn treats `&`, `<` and `>` as control characters: `<!channel>` pings everyone and
`<@U123>` renders as a mention. Every value a template prints is escaped unless it was built by
a trusted filter (`mention`, `channel`, `link`) and marked safe, so user text can never ping or
pose as someone.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from incidentbot.incident.times import utc_label

SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class safe(str):  # noqa: N801 - reads as a marker at call sites: safe("<@U1>")
    """Text already valid as mrkdwn; printed as is."""

    __slots__ = ()


def mrkdwn_escape(value: object) -> str:
    if isinstance(value, safe | Markup):
        return str(value)
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mention(user_id: str | None) -> safe:
    return safe(f"<@{mrkdwn_escape(user_id)}>") if user_id else safe("_unassigned_")


def _channel(channel_id: str | None) -> safe:
    return safe(f"<#{mrkdwn_escape(channel_id)}>") if channel_id else safe("_no channel yet_")


def _link(url: str | None, label: object) -> safe:
    if not url:
        return safe(mrkdwn_escape(label))
    clean_label = mrkdwn_escape(label).replace("|", "¦")
    return safe(f"<{mrkdwn_escape(url)}|{clean_label}>")


def _hhmm(when: datetime | None) -> str:
    return when.strftime("%H:%M UTC") if when else "—"


def _utc_time(when: datetime | None, now: datetime) -> str:
    return utc_label(when, now) if when else "—"


def _slack_time(tokens: str) -> Callable[[datetime | None, datetime], str]:
    """A filter for text Slack renders: each viewer reads the time in their own zone.

    `<!date^…>` is Slack's date formatting; the fallback (UTC, dated when not today) is what
    clients that cannot render it show, and what notifications read.
    """

    def render(when: datetime | None, now: datetime) -> str:
        if when is None:
            return "—"
        return safe(f"<!date^{int(when.timestamp())}^{tokens}|{utc_label(when, now)}>")

    return render


def _utc(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "—"


def _minutes(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    total = int(delta.total_seconds() // 60)
    hours, minutes = divmod(abs(total), 60)
    text = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"-{text}" if total < 0 else text


def _template_dirs() -> list[str]:
    dirs = [str(SOURCE_TEMPLATES)] if SOURCE_TEMPLATES.is_dir() else []
    try:
        installed = resources.files("incidentbot.templates")
        dirs.append(str(installed))
    except ModuleNotFoundError:
        pass
    return dirs


class Renderer:
    def __init__(self, template_dirs: list[str] | None = None) -> None:
        dirs = template_dirs or _template_dirs()
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
            autoescape=False,
            finalize=mrkdwn_escape,
            undefined=StrictUndefined,
            auto_reload=False,  # templates ship with the bot; no stat() per render
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(
            mention=_mention, channel=_channel, link=_link, hhmm=_hhmm, utc=_utc, minutes=_minutes
        )

        self._labels: dict[str, Any] = {}
        self._words: dict[str, dict[str, Any]] = {}
        for directory in reversed(dirs):
            labels = Path(directory) / "rendering" / "labels.toml"
            if labels.is_file():
                self._labels.update(tomllib.loads(labels.read_text(encoding="utf-8")))
        self.env.filters.update(
            utc_time=_utc_time, slack_time=_slack_time(str(self._labels["times"]["slack_tokens"]))
        )

    def label(self, key: str, **values: object) -> str:
        """A short interface word from `templates/rendering/labels.toml`, e.g. `label("declare.title")`."""
        group, _, name = key.partition(".")
        text = str(self._labels[group][name])
        return text.format(**values) if values else text

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context).strip()

    def words(self, name: str) -> dict[str, Any]:
        """A feature's TOML file of words under `templates/`, e.g. `words("handoff/help.toml")`.

        Found as templates are (the source checkout first, else the installed package), read once.
        """
        table = self._words.get(name)
        if table is None:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            table = self._words[name] = tomllib.loads(source)
        return table
