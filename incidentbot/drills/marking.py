"""Which channels are drill channels, so that every message the bot posts there says DRILL.

Asked once per channel and then remembered: a channel is a drill's from the moment it is created
until it is gone, so the answer never changes. Each process asks the store itself, so a second
replica marks the messages it posts just the same.
"""

from __future__ import annotations

import threading

from incidentbot.declare.service import DRILL_CHANNEL_PREFIX
from incidentbot.kernel.ports import Store

CHANNEL_ID_PREFIXES = ("C", "G")
"""Slack's ids of public and private channels, the only kinds a drill's channel can be."""


class DrillChannels:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()

    def __call__(self, channel_id: str) -> bool:
        if not channel_id.startswith(CHANNEL_ID_PREFIXES):
            return False  # a DM to a person (`U…`) or their DM channel (`D…`) is never a drill's
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

    def created(self, channel_id: str, name: str) -> None:
        """Remember a channel this process just created: its name says whether it is a drill's,
        so the setup's posts into it are marked without asking the store."""
        with self._lock:
            self._known[channel_id] = name.startswith(f"{DRILL_CHANNEL_PREFIX}-")
