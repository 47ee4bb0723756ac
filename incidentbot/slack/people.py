"""Finding a person by what someone typed for them: `@carol`, `carol`, `Carol Danvers`.

Mentions picked from Slack's composer arrive as `<@U123|carol>` and need no lookup. A name typed
without completing the mention (or sent by a command whose escaping is off) is matched against
the workspace's people, read with users.list one page at a time as Slack recommends and kept
for a while: Slack rates users.list at about 20 calls a minute, and the lookup runs before the
command is acknowledged. Only the first lookup waits for Slack; once the list is old, a lookup
answers from it and a background thread reads it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk import WebClient

from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.ports import Person

log = logging.getLogger(__name__)

DIRECTORY_CACHE_SECONDS = 600.0
PAGE_SIZE = 200
MAX_CANDIDATES = 5
Call = Callable[[str, Callable[[], Any]], Any]
Spawn = Callable[[Callable[[], None]], None]


def _in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="people-directory", daemon=True).start()


def _normal(name: str) -> str:
    return " ".join(name.strip().lstrip("@").split()).casefold()


class _Entry:
    """One member of the workspace and the names people know them by."""

    def __init__(self, member: dict[str, Any]) -> None:
        profile = member.get("profile") or {}
        handle = str(member.get("name") or "")
        display = str(profile.get("display_name") or "")
        real = str(profile.get("real_name") or member.get("real_name") or "")
        self.person = Person(
            id=str(member["id"]),
            name=display or real or handle or str(member["id"]),
            is_bot=bool(member.get("is_bot")) or member.get("id") == "USLACKBOT",
            deleted=bool(member.get("deleted")),
            tz=member.get("tz"),
        )
        self.names = {_normal(n) for n in (handle, display, real) if n.strip()}

    def is_called(self, name: str) -> bool:
        return name in self.names

    def starts_like(self, name: str) -> bool:
        return any(n.startswith(name) or name in n.split() for n in self.names)


class PeopleDirectory:
    def __init__(
        self,
        client: WebClient,
        call: Call,
        *,
        now: Callable[[], float] = time.monotonic,
        spawn: Spawn = _in_background,
    ) -> None:
        self._client = client
        self._call = call
        self._now = now
        self._spawn = spawn
        self._lock = threading.Lock()
        self._loaded_at: float | None = None
        self._refreshing = False
        self._entries: list[_Entry] = []

    def named(self, typed: str) -> list[Person]:
        """Who `typed` names: one person, several (ambiguous), or none.

        Someone who left counts only when nobody still here has the name, so the answer can say
        they left instead of that nobody has it.
        """
        name = _normal(typed)
        if not name:
            return []
        called = [e.person for e in self._current() if e.is_called(name)]
        return [p for p in called if not p.deleted] or called

    def similar(self, typed: str) -> list[Person]:
        """People whose names begin like `typed`: suggestions when nobody is called exactly that."""
        name = _normal(typed)
        if not name:
            return []
        found = [e.person for e in self._current() if not e.person.deleted and e.starts_like(name)]
        return found[:MAX_CANDIDATES]

    def _current(self) -> list[_Entry]:
        with self._lock:
            if self._loaded_at is None:
                self._load()
            entries = self._entries
            stale = self._now() - (self._loaded_at or 0.0) >= DIRECTORY_CACHE_SECONDS
            refresh = stale and not self._refreshing
            self._refreshing = self._refreshing or refresh
        if refresh:
            self._spawn(self._refresh)
        return entries

    def _load(self) -> None:
        self._entries = [_Entry(m) for m in self._members() if m.get("id")]
        self._loaded_at = self._now()

    def _refresh(self) -> None:
        entries: list[_Entry] | None = None
        try:
            entries = [_Entry(m) for m in self._members() if m.get("id")]
        except SlackUnavailable as error:
            log.warning("could not read the workspace's people again: %s", error)
        with self._lock:
            if entries is not None:
                self._entries, self._loaded_at = entries, self._now()
            self._refreshing = False

    def _members(self) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            page = self._page(cursor)
            yield from (m for m in page.get("members") or [] if isinstance(m, dict))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def _page(self, cursor: str | None) -> Any:
        return self._call("users.list", lambda: self._client.users_list(cursor=cursor, limit=PAGE_SIZE))
