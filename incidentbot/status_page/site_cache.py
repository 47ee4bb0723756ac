"""What readers of the page share: every published incident as of one site version, rendered once.

A status page is read hardest when something is wrong, by many readers at once. They share one
copy of what was published, kept by site version (a counter every publication and correction
bumps in its own transaction, `sql_store.py`): a reader costs a dictionary lookup, and at most
once per `recheck` one small query for the version. A newer version reloads only the incidents
changed since, once, while the other readers wait for it (they never get a page older than a
version this process has seen). Several replicas each ask the database, so a publication through
any of them shows on all within `recheck`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from incidentbot.status_page import files
from incidentbot.status_page.model import PublicIncident
from incidentbot.status_page.overview import Overview

Version = tuple[int, int]
"""The site version and how many incidents are published (a deleted incident changes the count)."""
Reader = Callable[[int | None], tuple[Version, list[PublicIncident]]]
"""The version, and the incidents changed after the given version (all of them for None)."""


@dataclass(frozen=True)
class Published:
    """Every published incident as of one site version, newest first."""

    version: Version
    incidents: tuple[PublicIncident, ...]


def merged(previous: Published, version: Version, changed: Sequence[PublicIncident]) -> Published | None:
    """`previous` with the changed incidents in their place; None when that cannot be `version`."""
    by_id = {incident.incident_id: incident for incident in previous.incidents}
    by_id.update((incident.incident_id, incident) for incident in changed)
    if len(by_id) != version[1]:
        return None  # an incident was removed: only a full read says which
    return Published(version, newest_first(by_id.values()))


def newest_first(incidents: Iterable[PublicIncident]) -> tuple[PublicIncident, ...]:
    """In the order the store lists them (`sql_store.py`): started last first."""
    return tuple(sorted(incidents, key=lambda i: (i.created_at, i.incident_id), reverse=True))


@dataclass(frozen=True)
class _Snapshot:
    published: Published
    minute: int
    checked_at: datetime | None
    """None once this process published: the next reader asks the database."""
    overview: Overview
    files: dict[str, files.File] = field(default_factory=dict)


class SiteCache:
    def __init__(
        self,
        read: Reader,
        read_version: Callable[[], Version],
        build: Callable[[Sequence[PublicIncident], datetime], Overview],
        recheck: timedelta,
        minute_seconds: int = 60,
    ) -> None:
        self._read, self._read_version, self._build = read, read_version, build
        self._recheck, self._minute_seconds = recheck, minute_seconds
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def file(self, path: str, now: datetime) -> files.File | None:
        """The site's file at `path`; rendered once per version (and minute: the page says "as of")."""
        snapshot = self._snapshot
        if snapshot is not None and self._trusted(snapshot, now):
            found = snapshot.files.get(path)
            if found is not None:
                return found
        with self._lock:
            snapshot = self._fresh(now)
            if path in snapshot.files:
                return snapshot.files[path]
            found = files.one(snapshot.overview, path)
            if found is not None:  # Not the misses: any number of made-up paths would fill memory.
                snapshot.files[path] = found
            return found

    def rendered(self, path: str, now: datetime) -> files.File | None:
        """The file at `path` if it is rendered and current: no lock, no database, no rendering.

        None means "ask `file`", which may wait for a reload; the server answers from here
        without handing the request to a thread.
        """
        snapshot = self._snapshot
        if snapshot is not None and self._trusted(snapshot, now):
            return snapshot.files.get(path)
        return None

    def overview(self, now: datetime) -> Overview:
        """The page as of the newest version, for a static copy."""
        with self._lock:
            return self._fresh(now).overview

    def forget(self) -> None:
        """This process just published: the next reader asks the database for the version."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot = replace(self._snapshot, checked_at=None)

    def _trusted(self, snapshot: _Snapshot, now: datetime) -> bool:
        checked = snapshot.checked_at
        return checked is not None and now - checked < self._recheck and snapshot.minute == self._minute(now)

    def _minute(self, now: datetime) -> int:
        return int(now.timestamp()) // self._minute_seconds

    def _fresh(self, now: datetime) -> _Snapshot:
        """The snapshot for `now`, reading the database when due; under the lock, so once per change."""
        snapshot = self._snapshot
        if snapshot is not None and self._trusted(snapshot, now):
            return snapshot
        published = snapshot.published if snapshot else None
        if published is None or published.version != self._read_version():
            published = self._load(published)
        minute = self._minute(now)
        if snapshot is not None and snapshot.published is published and snapshot.minute == minute:
            snapshot = replace(snapshot, checked_at=now)  # the same files, still right
        else:
            snapshot = _Snapshot(published, minute, now, self._build(published.incidents, now))
        self._snapshot = snapshot
        return snapshot

    def _load(self, previous: Published | None) -> Published:
        if previous is not None:
            version, changed = self._read(previous.version[0])
            found = merged(previous, version, changed)
            if found is not None:
                return found
        version, every = self._read(None)
        return Published(version, newest_first(every))
