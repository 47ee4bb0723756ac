"""Slack channel names for incidents: lowercase, `a-z0-9-_`, at most 80 characters."""

from __future__ import annotations

import re
import unicodedata

MAX_CHANNEL_NAME = 80
_UNUSABLE = re.compile(r"[^a-z0-9_-]+")
_DASHES = re.compile(r"-{2,}")


def slugify(title: str) -> str:
    """Fold accents to ASCII and keep only what Slack allows; may return ''."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _UNUSABLE.sub("-", ascii_title.lower())
    return _DASHES.sub("-", slug).strip("-_")


def channel_name(prefix: str, number: int, title: str, attempt: int = 0) -> str:
    """`inc-42-checkout-down`; attempt > 0 adds `-2`, `-3`… after a `name_taken`.

    The number alone keeps a title made only of emoji or punctuation valid.
    """
    head = f"{slugify(prefix) or 'inc'}-{number}"
    suffix = f"-{attempt + 1}" if attempt else ""
    room = MAX_CHANNEL_NAME - len(head) - len(suffix) - 1
    slug = slugify(title)[:room].strip("-_") if room > 0 else ""
    name = f"{head}-{slug}" if slug else head
    return f"{name}{suffix}"[:MAX_CHANNEL_NAME]
