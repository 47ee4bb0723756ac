"""What the use cases need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from incidentbot.cadence.ports import CommitmentRepository, UpdateRepository
from incidentbot.incident import repository as incident_repository
from incidentbot.incident import view as incident_view
from incidentbot.incident.models import Role, Roster
from incidentbot.incident.repository import IncidentRepository
from incidentbot.kernel.delivery_ports import DeliveryLog
from incidentbot.kernel.outbox_ports import OutboxWorkspace
from incidentbot.kernel.queue_ports import QueueRepository
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.roles.ports import RosterRepository
from incidentbot.timeline import ports as timeline_ports
from incidentbot.timeline.ports import TimelineRepository
from incidentbot.wrap_up.ports import WrapUpRepository


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


NewIncident = incident_repository.NewIncident
NewEvent = timeline_ports.NewEvent
"""Declared with their repositories (`incident/repository.py`, `timeline/ports.py`)."""

IncidentView = incident_view.IncidentView
"""Defined beneath the ports that show an incident (`incident/view.py`), so none imports this module."""


class Transaction(
    IncidentRepository,  # incident/repository.py
    RosterRepository,  # roles/ports.py
    TimelineRepository,  # timeline/ports.py
    UpdateRepository,  # cadence/ports.py
    CommitmentRepository,  # cadence/ports.py
    WrapUpRepository,  # wrap_up/ports.py
    QueueRepository,  # kernel/queue_ports.py
    DeliveryLog,  # kernel/delivery_ports.py
    Protocol,
):
    """One unit of work against the store, committed when the context exits cleanly: one
    repository per aggregate, each declared beside its concept, all on the same transaction."""


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


Blocks = list[dict[str, Any]]
"""Block Kit blocks, as JSON: what a feature's `slack_…` module builds for a message."""


class Workspace(OutboxWorkspace, Protocol):
    """What the bot does in Slack. Raises SlackUnavailable, ChannelRefused or NameTaken.

    Slack's primitives, the reads the features need, and the rendered helpers (`post_rendered`,
    `post_rendered_once`, `dm_rendered`, in `outbox_ports.py`) through which a feature posts its
    own template. A feature's messages with buttons are built on these by the feature's own
    `slack_messages.py` (`kernel/messages.py`).
    """

    # primitives
    def post(self, channel: str, text: str, blocks: Blocks | None = None) -> str:
        """Post in a channel; the message's ts. Without blocks, `text` is shown in sections."""
        ...

    def edit(self, channel: str, ts: str, text: str, blocks: Blocks) -> None: ...
    def dm(self, user_id: str, text: str, blocks: Blocks | None = None) -> str: ...
    def ephemeral(self, channel: str, user: str, text: str, blocks: Blocks | None = None) -> None:
        """A message only `user` sees, in a channel they are in."""
        ...

    def create_channel(self, name: str, *, private: bool) -> str: ...
    def set_topic(self, channel_id: str, topic: str) -> None:
        """The channel's topic, cut to Slack's 250 characters."""
        ...

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal for whoever clicked or typed: a trigger id opens one view, within 3
        seconds. Raises FormExpired once it cannot, FormRefused for a view Slack will not show."""
        ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """The person's App Home tab."""
        ...

    def pin(self, channel_id: str, ts: str) -> None: ...
    def invite(self, channel_id: str, user_ids: Sequence[str]) -> None: ...
    def mark_captured(self, channel_id: str, ts: str) -> None:
        """The bot's own reaction on a message, confirming it is on the timeline."""
        ...

    def unmark_captured(self, channel_id: str, ts: str) -> None: ...

    # reads
    def person(self, user_id: str) -> Person | None: ...
    def channel_members(self, channel_id: str) -> set[str]: ...
    def message(self, channel_id: str, ts: str) -> ChannelMessage | None:
        """A message of a channel or of one of its threads; None when it no longer exists."""
        ...

    def permalink(self, channel_id: str, ts: str) -> str | None: ...
    def timeline_reactions(self, channel_id: str, ts: str) -> int:
        """How many people still have the timeline reaction on a message."""
        ...


def iter_roles(roster: Roster) -> Iterator[tuple[Role, str]]:
    for role in Role:
        holder = roster.holder(role)
        if holder:
            yield role, holder
