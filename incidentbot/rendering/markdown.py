"""Jinja2 environments for text that is not Slack mrkdwn: Markdown documents and plain text.

The postmortem is a Markdown file, so values are escaped for Markdown (and kept on one line,
so a value can never break a table row or start a heading). Drafts placed in a modal's text
field are plain text: nothing is interpreted there, so nothing is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from incidentbot.rendering.environment import _hhmm, _minutes, _template_dirs, _utc, _utc_time

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def markdown_escape(value: object) -> str:
    if isinstance(value, Markup):
        return str(value)
    text = "" if value is None else str(value)
    return _LINE_BREAKS.sub(" ", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


class TextRenderer:
    def __init__(self, finalize: Callable[[object], str], template_dirs: list[str] | None = None) -> None:
        dirs = template_dirs or _template_dirs()
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
            autoescape=False,
            finalize=finalize,
            undefined=StrictUndefined,
            auto_reload=False,  # templates ship with the bot; no stat() per render
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(hhmm=_hhmm, utc=_utc, utc_time=_utc_time, minutes=_minutes, percent=_percent)

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context).strip()


def markdown_renderer(template_dirs: list[str] | None = None) -> TextRenderer:
    return TextRenderer(markdown_escape, template_dirs)


def plain_renderer(template_dirs: list[str] | None = None) -> TextRenderer:
    return TextRenderer(_plain, template_dirs)
