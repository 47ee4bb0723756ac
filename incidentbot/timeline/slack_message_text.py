"""Turning a Slack message into what the timeline records: plain text with names, and its author.

Slack writes mentions and links as control sequences (`<@U123>`, `<#C123|ops>`, `<!here>`,
`<https://x|label>`) and escapes `&`, `<`, `>`. The timeline keeps plain text instead, so an
entry reads the same in Slack, Markdown and CSV, and every rendering escapes it for its format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from incidentbot.incident.text import storable
from incidentbot.kernel.ports import ChannelMessage
from incidentbot.timeline.rules import NO_TEXT, file_text

NameOf = Callable[[str], str]

_CONTROL = re.compile(r"<([^<>\n]+)>")
_BROADCASTS = frozenset({"here", "channel", "everyone"})
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
# People and user groups, as a parser of who owns something needs them.
_PEOPLE = re.compile(r"(<@[UW][A-Z0-9]+(?:\|[^<>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^<>]*)?>)")


def unescape(text: str) -> str:
    """Slack's three escapes decoded, `&amp;` last so `&amp;lt;` stays the `&lt;` someone typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def readable(text: str, name_of: NameOf) -> str:
    """`<@U1> see <#C2|ops>` → `@alice see #ops`; HTML entities decoded."""

    def swap(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith("@"):
            return "@" + name_of(target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word in _BROADCASTS:
                return "@" + word
            return label or word
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label != address else address

    # A message fetched from the Web API has not been through the request middleware.
    return unescape(_CONTROL.sub(swap, storable(text)))


def readable_keeping_people(text: str) -> str:
    """Like `readable`, but mentions of people and groups stay tokens for a parser that wants them."""
    parts = _PEOPLE.split(text)
    # split() alternates text and the captured tokens: even items are text, odd ones tokens.
    return "".join(readable(p, str) if i % 2 == 0 else p for i, p in enumerate(parts))


def message_text(raw: dict[str, Any], name_of: NameOf) -> str:
    """The words of a message: its text, else an integration's attachments or blocks, plus files."""
    words = str(raw.get("text") or "").strip() or _attachment_text(raw) or _block_text(raw)
    names = [str(f.get("name") or f.get("title") or "file") for f in raw.get("files") or [] if f]
    files = file_text(names)
    text = readable(words, name_of) if words else ""
    if text and files:
        return f"{text} {files}"
    return text or files or NO_TEXT


def channel_message(raw: dict[str, Any], name_of: NameOf) -> ChannelMessage:
    user = raw.get("user")
    bot_id = raw.get("bot_id")
    profile = raw.get("bot_profile") or {}
    author_id: str | None
    author_name: str | None
    if user and not raw.get("username"):
        author_id, author_name = str(user), name_of(str(user))
    else:
        author_id = str(bot_id or user) if (bot_id or user) else None
        author_name = str(raw.get("username") or profile.get("name") or author_id or "") or None
    return ChannelMessage(
        ts=str(raw["ts"]), author_id=author_id, author_name=author_name, text=message_text(raw, name_of)
    )


def _attachment_text(raw: dict[str, Any]) -> str:
    parts: list[str] = []
    for attachment in raw.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        pieces = [str(attachment.get(k) or "").strip() for k in ("pretext", "title", "text")]
        found = " ".join(p for p in pieces if p) or str(attachment.get("fallback") or "").strip()
        if found:
            parts.append(found)
    return "\n".join(parts)


def _block_text(raw: dict[str, Any]) -> str:
    parts: list[str] = []
    for block in raw.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") in {"section", "header"}:
            text = block.get("text")
            if isinstance(text, dict) and text.get("text"):
                parts.append(str(text["text"]).strip())
    return "\n".join(parts)
