"""Which channels are drill channels, so that every message the bot posts there says DRILL.

Asked once per channel and then remembered: a channel is a drill's from the moment it is created
until it is gone, so the answer never changes. Each process asks the store itself, so a second
replica marks the messages it posts just the same.
"""

from __future__ import annotations

import threading

from incidentbot.kernel.ports import Store


class DrillChannels:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()

    def __call__(self, channel_id: str) -> bool:
        with self._lock:
            known = self._known.get(channel_id)
        if known is not None:
            return known
        with self._store.transaction() as tx:
            incident = tx.incident_by_channel(channel_id)
        if incident is None:
            # Not an incident's channel (yet): asked again next time rather than remembered, since
            # the setup posts into a channel just before its id is saved.
            return False
        with self._lock:
            self._known[channel_id] = incident.drill
        return incident.drill
