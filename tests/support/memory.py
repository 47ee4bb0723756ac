"""In-memory stand-ins for the services' ports, so use cases are tested without Slack or SQL."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from incidentbot.incident.models import (
    Incident,
    Role,
    RoleAssignment,
    Roster,
    SetupState,
    Status,
    TimelineEvent,
)
from incidentbot.kernel.errors import ChannelRefused, NameTaken, SlackUnavailable
from incidentbot.kernel.ports import Blocks, ChannelMessage, NewEvent, NewIncident, Person
from incidentbot.timeline.rules import PENDING_TEXT, EventSource
from tests.support.memory_housekeeping import MemoryHousekeeping
from tests.support.memory_outbox import MemoryOutbox, OutboxRecording
from tests.support.memory_resolution import ResolutionMemory
from tests.support.memory_times import InUtc
from tests.support.memory_updates import MemoryUpdates

EDITABLE = (
    "occurred_at",
    "kind",
    "text",
    "actor_id",
    "actor_name",
    "source",
    "permalink",
    "edited",
    "deleted_at",
)
"""What `update_event` writes back; an entry's incident, message and recording time stay."""


@dataclass
class MemoryStore(ResolutionMemory, MemoryUpdates, MemoryOutbox, MemoryHousekeeping):
    incidents: dict[int, Incident] = field(default_factory=dict)
    assignments: list[RoleAssignment] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    deliveries: set[str] = field(default_factory=set)
    delivery_times: dict[str, datetime] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    one_at_a_time: threading.RLock = field(default_factory=threading.RLock)
    """Transactions from parallel delivery threads run one after another, as SQLite's writer does."""

    @contextmanager
    def transaction(self) -> Iterator[MemoryStore]:
        with self.one_at_a_time:
            before = self._snapshot()
            try:
                yield cast(MemoryStore, InUtc(self))
            except BaseException:
                # As a database does: nothing of a failed transaction stays. Ids are not given
                # back, as PostgreSQL's sequences do not give them back either.
                self.__dict__.update(before)
                raise

    def _snapshot(self) -> dict[str, Any]:
        """Every table as it is now; the rows are frozen models, so copying the containers is enough."""
        saved = {
            name: copy.copy(value)
            for name, value in vars(self).items()
            if isinstance(value, dict | list | set)
        }
        if "_wrap" in vars(self):
            saved["_wrap"] = self.wrap.copy()
        return saved

    def add_incident(self, new: NewIncident) -> Incident:
        number = self.counters.get(new.team_id, 0) + 1
        self.counters[new.team_id] = number
        incident = Incident(
            id=next(self.ids),
            number=number,
            status=Status.INVESTIGATING,
            setup_state=SetupState.PENDING,
            **{k: getattr(new, k) for k in NewIncident.__dataclass_fields__},
        )
        self.incidents[incident.id] = incident
        return incident

    def get_incident(self, incident_id: int, *, for_update: bool = False) -> Incident | None:
        return self.incidents.get(incident_id)

    def incident_by_channel(self, channel_id: str) -> Incident | None:
        return next((i for i in self.incidents.values() if i.channel_id == channel_id), None)

    def incident_by_number(self, team_id: str, number: int) -> Incident | None:
        return next((i for i in self.incidents.values() if (i.team_id, i.number) == (team_id, number)), None)

    def open_incidents(self, team_id: str) -> list[Incident]:
        return [i for i in self.incidents.values() if i.team_id == team_id and i.is_open]

    def interrupted_setups(self) -> list[Incident]:
        return [i for i in self.incidents.values() if i.setup_state is SetupState.PENDING]

    def save_incident(self, incident: Incident) -> Incident:
        current = self.incidents[incident.id]
        saved = incident.model_copy(update={"team_id": current.team_id, "number": current.number})
        self.incidents[incident.id] = saved
        return saved

    def roster(self, incident_id: int) -> Roster:
        roster = Roster()
        for a in self.assignments:
            if a.incident_id == incident_id and a.ended_at is None:
                roster = roster.with_holder(a.role, a.user_id)
        return roster

    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        return {incident_id: self.roster(incident_id) for incident_id in incident_ids}

    def role_history(self, incident_id: int) -> list[RoleAssignment]:
        return sorted(
            (a for a in self.assignments if a.incident_id == incident_id), key=lambda a: a.started_at
        )

    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        relieved = None
        for index, a in enumerate(self.assignments):
            if a.incident_id == incident_id and a.role == role and a.ended_at is None:
                relieved = a.user_id
                self.assignments[index] = a.model_copy(update={"ended_at": at})
        self.assignments.append(
            RoleAssignment(
                incident_id=incident_id, role=role, user_id=user_id, assigned_by=assigned_by, started_at=at
            )
        )
        return relieved

    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        if event.message_ts and any(
            e.incident_id == event.incident_id and e.message_ts == event.message_ts for e in self.timeline
        ):
            return None
        fields = {k: getattr(event, k) for k in TimelineEvent.model_fields if hasattr(event, k)}
        fields["recorded_at"] = event.recorded_at or event.occurred_at
        recorded = TimelineEvent(id=next(self.ids), **fields)
        self.timeline.append(recorded)
        return recorded

    def events(self, incident_id: int) -> list[TimelineEvent]:
        return sorted(
            (e for e in self.timeline if e.incident_id == incident_id and e.deleted_at is None),
            key=lambda e: (e.occurred_at, e.id),
        )

    def first_delivery(self, event_id: str, at: datetime) -> bool:
        if event_id in self.deliveries:
            return False
        self.deliveries.add(event_id)
        self.delivery_times[event_id] = at
        return True

    def forget_delivery(self, event_id: str) -> None:
        self.deliveries.discard(event_id)
        self.delivery_times.pop(event_id, None)

    def event_for_message(self, incident_id: int, message_ts: str) -> TimelineEvent | None:
        return next(
            (e for e in self.timeline if e.incident_id == incident_id and e.message_ts == message_ts), None
        )

    def get_event(self, event_id: int) -> TimelineEvent | None:
        return next((e for e in self.timeline if e.id == event_id), None)

    def update_event(self, event: TimelineEvent) -> TimelineEvent:
        index = next(i for i, e in enumerate(self.timeline) if e.id == event.id)
        written = {name: getattr(event, name) for name in EDITABLE}
        self.timeline[index] = self.timeline[index].model_copy(update=written)
        return self.timeline[index]

    def unfetched_captures(self, incident_id: int, limit: int) -> list[TimelineEvent]:
        waiting = [
            e
            for e in self.timeline
            if e.incident_id == incident_id
            and e.source == EventSource.REACTION
            and e.text == PENDING_TEXT
            and e.deleted_at is None
        ]
        return waiting[:limit]

    def teams_with_incident(self, number: int) -> list[str]:
        return sorted({i.team_id for i in self.incidents.values() if i.number == number})


@dataclass
class RecordingWorkspace(OutboxRecording):
    """Records what the services asked Slack to do; can be told to fail."""

    people: dict[str, Person] = field(
        default_factory=lambda: {
            "U001": Person("U001", "alice"),
            "U002": Person("U002", "bob"),
            "UBOT": Person("UBOT", "bot", is_bot=True),
        }
    )
    calls: list[tuple[str, Any]] = field(default_factory=list)
    taken_names: set[str] = field(default_factory=set)
    failing: set[str] = field(default_factory=set)
    refusing: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Calls Slack refuses for good: name → (channel id, Slack's error code)."""
    members: dict[str, set[str]] = field(default_factory=dict)
    messages: dict[tuple[str, str], ChannelMessage] = field(default_factory=dict)
    marks: dict[tuple[str, str], int] = field(default_factory=dict)
    """Timeline reactions people have on each message, as `timeline_reactions` reports them."""

    def _record(self, name: str, payload: Any) -> None:
        if name in self.refusing:
            raise ChannelRefused(*self.refusing[name])
        if name in self.failing:
            raise SlackUnavailable(f"{name}: internal_error")
        self.calls.append((name, payload))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def post(self, channel: str, text: str, blocks: Blocks | None = None) -> str:
        self._record("post", (channel, text, blocks))
        return "1.0020"

    def edit(self, channel: str, ts: str, text: str, blocks: Blocks) -> None:
        self._record("edit", (channel, ts, text, blocks))

    def dm(self, user_id: str, text: str, blocks: Blocks | None = None) -> str:
        self._record("dm", (user_id, text, blocks))
        return "1.0021"

    def ephemeral(self, channel: str, user: str, text: str, blocks: Blocks | None = None) -> None:
        self._record("ephemeral", (channel, user, text, blocks))

    def person(self, user_id: str) -> Person | None:
        return self.people.get(user_id)

    def create_channel(self, name: str, *, private: bool) -> str:
        if name in self.taken_names:
            raise NameTaken(name)
        self._record("create_channel", (name, private))
        self.taken_names.add(name)
        return f"C{len(self.taken_names):04d}"

    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None:
        self._record("invite", (channel_id, tuple(user_ids)))
        self.members.setdefault(channel_id, set()).update(user_ids)

    def set_topic(self, channel_id: str, topic: str) -> None:
        self._record("set_topic", (channel_id, topic))

    def pin(self, channel_id: str, ts: str) -> None:
        self._record("pin", (channel_id, ts))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._record("open_view", (trigger_id, view))

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._record("publish_home", (user_id, view))

    def channel_members(self, channel_id: str) -> set[str]:
        return self.members.get(channel_id, set())

    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        self._record("message", (channel_id, ts))
        return self.messages.get((channel_id, ts))

    def permalink(self, channel_id: str, ts: str) -> str | None:
        self._record("permalink", (channel_id, ts))
        return f"https://example.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"

    def mark_captured(self, channel_id: str, ts: str) -> None:
        self._record("mark_captured", (channel_id, ts))

    def unmark_captured(self, channel_id: str, ts: str) -> None:
        self._record("unmark_captured", (channel_id, ts))

    def timeline_reactions(self, channel_id: str, ts: str) -> int:
        self._record("timeline_reactions", (channel_id, ts))
        return self.marks.get((channel_id, ts), 0)
