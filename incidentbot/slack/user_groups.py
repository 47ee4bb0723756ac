"""The workspace's user groups, as teams the communication checker knows (`@platform`).

Read with usergroups.list (scope `usergroups:read`), which answers every group at once, and
kept for a while as `people.py` keeps users: Slack rates the method at about 20 calls a minute.
Unlike a typed name, the checker can do without the groups for a moment, so a form being
answered never waits for Slack: the first read there starts the fetch in the background and
answers with no groups. Work after an answer (`wait=True`) waits for the first fetch. Once the
list is old, a read answers from it and a background thread fetches it again. A workspace
whose plan has no user groups (`plan_upgrade_required`), or an app installed before it asked for
the scope, has no teams to add: the checker then knows the configured teams only, and the bot
says why in its log (once every 10 minutes).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from incidentbot.kernel.errors import SlackUnavailable

log = logging.getLogger(__name__)

GROUPS_CACHE_SECONDS = 600.0
Call = Callable[[str, Callable[[], Any]], Any]
Spawn = Callable[[Callable[[], None]], None]
_ONE_PLAIN_WORD = re.compile(r"[^\W\d_]+")


def _in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="user-groups", daemon=True).start()


@dataclass(frozen=True)
class GroupTerms:
    """How the checker recognises the groups: by their handle after an "@", by a handle no word
    could be ("sre-oncall") anywhere, and by a name of two words or more as written."""

    handles: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def terms_of(groups: list[dict[str, Any]]) -> GroupTerms:
    """A one-word name ("Platform") names a thing as often as a team, so only its handle counts."""
    handles = sorted({str(g.get("handle") or "").strip() for g in groups} - {""})
    names = sorted({" ".join(str(g.get("name") or "").split()) for g in groups} - {""})
    return GroupTerms(
        handles=tuple(handles),
        teams=tuple(h for h in handles if not _ONE_PLAIN_WORD.fullmatch(h)),
        names=tuple(n for n in names if len(n.split()) > 1),
    )


class UserGroupDirectory:
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
        self._terms = GroupTerms()

    def terms(self, *, wait: bool = False) -> GroupTerms:
        """The enabled groups' handles and names; none when Slack will not list them, or, without
        `wait`, while the first fetch is still under way."""
        if wait and self._loaded_at is None:
            # Read outside the lock: a form being answered meanwhile must not wait for it.
            fetched = self._read() or GroupTerms()
            with self._lock:
                if self._loaded_at is None:
                    self._terms, self._loaded_at = fetched, self._now()
        with self._lock:
            loaded = self._loaded_at
            due = loaded is None or self._now() - loaded >= GROUPS_CACHE_SECONDS
            refresh = due and not self._refreshing
            self._refreshing = self._refreshing or refresh
        if refresh:
            self._spawn(self._refresh)
        with self._lock:
            return self._terms

    def _refresh(self) -> None:
        terms = self._read()
        with self._lock:
            if terms is not None:
                self._terms = terms
            self._loaded_at = self._now()
            self._refreshing = False

    def _read(self) -> GroupTerms | None:
        try:
            # Disabled groups are left out (Slack's default): nobody can mention them any more.
            client = self._client
            answer = self._call("usergroups.list", client.usergroups_list)
        except SlackUnavailable as error:
            log.warning("user groups not known to the checker: %s", error)
            return None
        groups = [g for g in answer.get("usergroups") or [] if isinstance(g, dict)]
        return terms_of(groups)
