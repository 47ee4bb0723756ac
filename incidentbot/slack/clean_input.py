"""Every string in a request from Slack is made storable before any listener reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from incidentbot.incident.text import storable


class StorableText(Middleware):
    """Strips what PostgreSQL refuses (NUL, lone surrogates) and other control bytes, in place.

    One place for every kind of request (commands, forms, buttons, events), so a note, a title or
    a form field is cleaned the same way and no listener can forget it. Runs after Bolt has
    checked the signature, which covers the bytes as Slack sent them.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        # Listeners read `body` (and `command`, `view`, `event`, which are parts of it) when they
        # are called, so cleaning the same dict here is what they see.
        _clean_in_place(req.body)
        return next()


def _clean_in_place(tree: dict[str, Any]) -> None:
    for key, value in tree.items():
        tree[key] = _cleaned(value)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        _clean_in_place(value)
    elif isinstance(value, list):
        value[:] = [_cleaned(item) for item in value]
    return value
