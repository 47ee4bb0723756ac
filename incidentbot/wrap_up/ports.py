"""The wrap-up's repository (resolution, texts, action items and their reminders, analysis),
and what the wrap-up says in Slack. `Transaction` in `kernel/ports.py` includes the repository;
the messages are found by `WRAP_UP_MESSAGES` (`kernel/messages.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from incidentbot.incident.models import Status
from incidentbot.incident.view import IncidentView
from incidentbot.kernel.messages import Messages
from incidentbot.wrap_up.action_item_rules import ActionItem, ActionState, Priority
from incidentbot.wrap_up.analysis_rules import AnalysisEntry, AnalysisKind, FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText, DraftFinding, StoredFinding
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.resolution_rules import Resolution

ACTION_OVERDUE = "action_overdue"
"""The reminders' `kind` for an overdue action item; `subject_id` is the item's id."""


@dataclass(frozen=True)
class NewCommsText:
    incident_id: int
    audience: CommsAudience
    stage: Status
    text: str
    author_id: str
    created_at: datetime
    findings: tuple[StoredFinding, ...] = ()
    draft_findings: tuple[DraftFinding, ...] = ()


@dataclass(frozen=True)
class NewActionItem:
    incident_id: int
    text: str
    created_by: str
    created_at: datetime
    owner_id: str | None = None
    due_on: date | None = None
    priority: Priority = Priority.P2
    success_metric: str = ""


@dataclass(frozen=True)
class NewAnalysisEntry:
    incident_id: int
    kind: AnalysisKind
    content: dict[str, Any]
    author_id: str
    created_at: datetime
    category: FactorCategory | None = None


@dataclass(frozen=True)
class ActionReminder:
    """A row of the durable reminders table for one overdue action item on one day."""

    id: int
    incident_id: int | None
    subject_id: int | None
    due_at: datetime
    state: str = "pending"
    kind: str = ACTION_OVERDUE


class WrapUpRepository(Protocol):
    # resolution
    def save_resolution(self, resolution: Resolution) -> Resolution:
        """Insert, or replace the one recorded before the incident was reopened."""
        ...

    def resolution(self, incident_id: int) -> Resolution | None: ...

    # texts for customers, stakeholders, executives
    def add_comms_text(self, new: NewCommsText) -> CommsText: ...
    def set_comms_message(self, comms_id: int, message_ts: str) -> None: ...
    def comms_texts(self, incident_id: int, audience: CommsAudience | None = None) -> list[CommsText]: ...

    # action items
    def add_action_item(self, new: NewActionItem) -> ActionItem: ...
    def action_item(self, item_id: int) -> ActionItem | None: ...
    def action_items(self, incident_id: int) -> list[ActionItem]: ...
    def set_action_state(
        self, item_id: int, state: ActionState, at: datetime | None
    ) -> ActionItem | None: ...
    def schedule_action_reminder(self, item: ActionItem, due_at: datetime) -> bool:
        """A pending `action_overdue` reminder; False when that day's one already exists."""
        ...

    def action_reminders(self, item_id: int) -> list[ActionReminder]: ...

    # postmortem analysis
    def add_analysis_entry(self, new: NewAnalysisEntry) -> AnalysisEntry: ...
    def analysis_entries(self, incident_id: int) -> list[AnalysisEntry]: ...


class WrapUpMessages(Protocol):
    """What the wrap-up says in Slack, with its buttons (`wrap_up/slack_messages.py`)."""

    def post_resolution(self, view: IncidentView, resolution: Resolution, metrics: IncidentMetrics) -> None:
        """The internal resolution update in the incident channel, with the texts still owed."""
        ...

    def offer_postmortem(self, view: IncidentView, user_id: str) -> None:
        """Ask (the commander) whether to start the postmortem draft, with a button."""
        ...

    def post_comms_text(self, view: IncidentView, text: CommsText, channel_id: str) -> str:
        """Post a kept customer, stakeholder or executive text in `channel_id`; the message ts."""
        ...

    def post_action_item(self, view: IncidentView, item: ActionItem, by: str) -> None:
        """Announce a new action item in the incident channel."""
        ...

    def remind_action_owner(self, view: IncidentView, item: ActionItem, owner_id: str) -> None:
        """DM an overdue action item's owner, with a Done button."""
        ...


WRAP_UP_MESSAGES: Messages[WrapUpMessages] = Messages("wrap_up")
"""Where the wrap-up finds its messages: `WRAP_UP_MESSAGES.of(services)` (`kernel/messages.py`)."""
