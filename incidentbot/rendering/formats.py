"""Escaping for the export formats, as `mrkdwn_escape` is for Slack.

Markdown: the text lands in table cells, so pipes and line breaks must not end the cell, and
inline markup (`*`, `_`, backticks, links, HTML such as `<!here>`) must print as typed.
CSV: every field quoted; a field a spreadsheet would run as a formula gets a leading `'`.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from incidentbot.rendering.environment import safe

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_ANY_SPECIAL = re.compile(r"[\\`*_\[\]|~&<>\r\n]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown_escape(value: object) -> str:
    if isinstance(value, safe | Markup):
        return str(value)
    text = "" if value is None else str(value)
    if not _ANY_SPECIAL.search(text):
        return text  # Most cells (times, names, plain sentences) need nothing: skip the work.
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(line.strip("\r") for line in text.split("\n"))


def markdown_link(url: str | None, label: object) -> safe:
    if not url:
        return safe(markdown_escape(label))
    target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
    return safe(f"[{markdown_escape(label)}]({target.replace('>', '%3E')})")


def csv_field(value: object) -> str:
    if isinstance(value, safe | Markup):
        return str(value)
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'
