"""Reading the shipped ``manifest.yml`` in tests, so what the tests send cannot drift from it.

The manifest is plain enough (no anchors, no flow collections) that a line reader does; the
project takes no YAML dependency for tests alone.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_LIST_ITEM = re.compile(r"^(\s*)-\s+([\w:.\-/]+)\s*(?:#.*)?$")
_KEY = re.compile(r"^(\s*)([\w]+):\s*(.*?)\s*(?:#.*)?$")


def _lines() -> list[str]:
    return [
        line
        for line in MANIFEST.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _list_under(key: str) -> list[str]:
    """The items of the first list directly under `key:` (a block list, one item per line)."""
    items: list[str] = []
    inside: int | None = None
    for line in _lines():
        indent = len(line) - len(line.lstrip())
        if inside is None:
            found = _KEY.match(line)
            if found and found[2] == key and not found[3]:
                inside = indent
            continue
        item = _LIST_ITEM.match(line)
        if item and indent >= inside:
            items.append(item[2])
        elif indent <= inside or not item:
            break
    return items


def _value(key: str) -> str:
    for line in _lines():
        found = _KEY.match(line.lstrip("- "))
        if found and found[2] == key:
            return found[3].strip("\"'")
    raise KeyError(key)


@cache
def slash_command_escapes() -> bool:
    """`should_escape` of the `/incident` command: whether Slack sends mentions as `<@U…|name>`."""
    return _value("should_escape") == "true"


def bot_scopes() -> list[str]:
    return _list_under("bot")


def bot_events() -> list[str]:
    return _list_under("bot_events")


def value(key: str) -> str:
    """The first scalar `key:` in the manifest, e.g. `messages_tab_read_only_enabled`."""
    return _value(key)
