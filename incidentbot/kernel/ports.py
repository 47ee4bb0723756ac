"""What the use cases need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidentbot.cadence.ports import UpdatesTransaction, UpdatesWorkspace
from incidentbot.incident import view as incident_view
from incidentbot.incident.models import (
    EventKind,
    Incident,
    Role,
    RoleAssignment,
    Roster,
    Severity,
    TimelineEvent,
)
from incidentbot.kernel.errors import ChannelRefused
from incidentbot.kernel.housekeeping_ports import HousekeepingTransaction
from incidentbot.kernel.outbox_ports import OutboxTransaction, OutboxWorkspace
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.wrap_up.ports import ResolutionTransaction, ResolutionWorkspace


@dataclass(frozen=True)
class NewIncident:
    team_id: str
    title: str
    severity: Severity
    impact: str
    is_private: bool
    declared_by: str
    declared_at: datetime
    next_update_due: datetime | None
    drill: bool = False
    time_scale: int = 1


@dataclass(frozen=True)
class NewEvent:
    incident_id: int
    kind: EventKind
    text: str
    occurred_at: datetime
    actor_id: str | None = None
    actor_name: str | None = None
    message_ts: str | None = None
    permalink: str | None = None
    source: str = "auto"
    recorded_at: datetime | None = None
    """When the bot wrote it down; defaults to `occurred_at`, right for events happening now."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    is_bot: bool = False
    deleted: bool = False
    tz: str | None = None


@dataclass(frozen=True)
class ChannelMessage:
    """A Slack message as the timeline records it: text readable, mentions turned into names."""

    ts: str
    author_id: str | None
    """A user id, or a bot id (`B…`) for integrations."""
    author_name: str | None
    text: str


IncidentView = incident_view.IncidentView
"""Defined beneath the ports that show an incident (`incident/view.py`), so none imports this module."""


class Transaction(
    ResolutionTransaction, UpdatesTransaction, OutboxTransaction, HousekeepingTransaction, Protocol
):
    """One unit of work against the store; committed when the context exits cleanly."""

    def add_incident(self, new: NewIncident) -> Incident: ...
    def get_incident(self, incident_id: int, *, for_update: bool = False) -> Incident | None: ...
    def incident_by_channel(self, channel_id: str) -> Incident | None: ...
    def incident_by_number(self, team_id: str, number: int) -> Incident | None: ...
    def open_incidents(self, team_id: str) -> list[Incident]: ...
    def interrupted_setups(self) -> list[Incident]:
        """Incidents whose Slack setup was started but neither finished nor marked failed."""
        ...

    def save_incident(self, incident: Incident) -> Incident: ...
    def roster(self, incident_id: int) -> Roster: ...
    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        """Current roles of many incidents in one query."""
        ...

    def role_history(self, incident_id: int) -> list[RoleAssignment]: ...
    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        """Record the new holder, relieve the previous one; returns who was relieved."""
        ...

    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        """None when the same message is already on this incident's timeline."""
        ...

    def events(self, incident_id: int) -> list[TimelineEvent]: ...
    def first_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time a Slack delivery (event id, submission, click) is seen; False for a repeat."""
        ...

    def forget_delivery(self, event_id: str) -> None:
        """Forget a delivery that was not acted on, so that a repeat of it is."""
        ...

    def event_for_message(self, incident_id: int, message_ts: str) -> TimelineEvent | None:
        """The entry recorded for this message, removed ones included."""
        ...

    def get_event(self, event_id: int) -> TimelineEvent | None: ...
    def update_event(self, event: TimelineEvent) -> TimelineEvent:
        """Write back text, time, kind, actor, permalink, source, edited and deleted_at."""
        ...

    def unfetched_captures(self, incident_id: int, limit: int) -> list[TimelineEvent]:
        """Captured entries still waiting for their message text."""
        ...

    def teams_with_incident(self, number: int) -> list[str]: ...


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[Transaction]: ...


class Journal(Protocol):
    """Writes journalled requests, many per commit under load (`store/journal.py`)."""

    def append(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        """The request's row, once committed (leased to `leased_to` until `hold_until`, when given)."""
        ...

    def append_once(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        delivery: str,
        leased_to: str | None = None,
    ) -> Reminder | None:
        """`append`, claiming the Slack delivery in the same commit; None when it was claimed before."""
        ...

    def claim(self, delivery: str, at: datetime) -> bool:
        """Claim a Slack delivery's name, sharing a commit with others; False for a repeat."""
        ...


class Workspace(ResolutionWorkspace, UpdatesWorkspace, OutboxWorkspace, Protocol):
    """Everything the bot does in Slack, in incident terms. Raises SlackUnavailable or NameTaken."""

    def person(self, user_id: str) -> Person | None: ...
    def create_channel(self, name: str, *, private: bool) -> str: ...
    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None: ...
    def post_alert(self, view: IncidentView) -> str: ...
    def post_summary(self, view: IncidentView) -> str: ...
    def refresh_summary(self, view: IncidentView) -> None:
        """Edit the pinned summary in place and reset the channel topic."""
        ...

    def announce(self, view: IncidentView, channel_id: str) -> str: ...
    def report_announcement_refused(self, view: IncidentView, user_id: str, refusal: ChannelRefused) -> None:
        """Tell `user_id` (the commander) why the incident was not announced and what to do."""
        ...

    def refresh_announcement(self, view: IncidentView) -> None: ...
    def post_role_change(self, view: IncidentView, role: Role, user_id: str, by: str) -> None: ...
    def send_role_checklist(self, view: IncidentView, role: Role, user_id: str) -> None: ...
    def post_change(self, view: IncidentView, event: TimelineEvent, promise: datetime | None = None) -> None:
        """A one-line notice in the incident channel about a severity or status change, naming
        the next-update time (`promise`) when the change committed one."""
        ...

    def report_setup_failure(self, view: IncidentView, user_id: str, reason: str) -> None: ...
    def channel_members(self, channel_id: str) -> set[str]: ...
    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        """A message of a channel or of one of its threads; None when it no longer exists."""
        ...

    def permalink(self, channel_id: str, ts: str) -> str | None: ...
    def mark_captured(self, channel_id: str, ts: str) -> None:
        """The bot's own reaction on a message, confirming it is on the timeline."""
        ...

    def unmark_captured(self, channel_id: str, ts: str) -> None: ...
    def timeline_reactions(self, channel_id: str, ts: str) -> int:
        """How many people still have the timeline reaction on a message."""
        ...


def iter_roles(roster: Roster) -> Iterator[tuple[Role, str]]:
    for role in Role:
        holder = roster.holder(role)
        if holder:
            yield role, holder
