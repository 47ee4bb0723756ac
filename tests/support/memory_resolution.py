"""In-memory resolutions, comms texts, action items, reminders and analysis for service tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.kernel.ports import IncidentView
from incidentbot.wrap_up.action_item_rules import ActionItem, ActionState
from incidentbot.wrap_up.analysis_rules import AnalysisEntry
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.ports import (
    ACTION_OVERDUE,
    ActionReminder,
    NewActionItem,
    NewAnalysisEntry,
    NewCommsText,
)
from incidentbot.wrap_up.resolution_rules import Resolution


@dataclass
class WrapUpRecords:
    resolutions: dict[int, Resolution] = field(default_factory=dict)
    comms: list[CommsText] = field(default_factory=list)
    actions: dict[int, ActionItem] = field(default_factory=dict)
    reminders: list[ActionReminder] = field(default_factory=list)
    analysis: list[AnalysisEntry] = field(default_factory=list)


class ResolutionMemory:
    """Mixed into MemoryStore, whose `ids`, `incidents` and `timeline` it shares."""

    ids: Iterator[int]
    incidents: dict[int, Incident]
    timeline: list[TimelineEvent]

    @property
    def wrap(self) -> WrapUpRecords:
        return self.__dict__.setdefault("_wrap", WrapUpRecords())  # type: ignore[no-any-return]

    def save_resolution(self, resolution: Resolution) -> Resolution:
        self.wrap.resolutions[resolution.incident_id] = resolution
        return resolution

    def resolution(self, incident_id: int) -> Resolution | None:
        return self.wrap.resolutions.get(incident_id)

    def count_events(self, incident_id: int, kind: EventKind) -> int:
        return sum(1 for e in self.timeline if e.incident_id == incident_id and e.kind == kind)

    def add_comms_text(self, new: NewCommsText) -> CommsText:
        text = CommsText(id=next(self.ids), **vars(new))
        self.wrap.comms.append(text)
        return text

    def set_comms_message(self, comms_id: int, message_ts: str) -> None:
        self.wrap.comms = [
            t.model_copy(update={"message_ts": message_ts}) if t.id == comms_id else t
            for t in self.wrap.comms
        ]

    def comms_texts(self, incident_id: int, audience: CommsAudience | None = None) -> list[CommsText]:
        return [
            t
            for t in self.wrap.comms
            if t.incident_id == incident_id and (audience is None or t.audience == audience)
        ]

    def add_action_item(self, new: NewActionItem) -> ActionItem:
        item = ActionItem(id=next(self.ids), **vars(new))
        self.wrap.actions[item.id] = item
        return item

    def action_item(self, item_id: int) -> ActionItem | None:
        return self.wrap.actions.get(item_id)

    def action_items(self, incident_id: int) -> list[ActionItem]:
        return [i for i in self.wrap.actions.values() if i.incident_id == incident_id]

    def set_action_state(self, item_id: int, state: ActionState, at: datetime | None) -> ActionItem | None:
        item = self.wrap.actions.get(item_id)
        if item is None:
            return None
        self.wrap.actions[item_id] = item.model_copy(update={"state": state, "done_at": at})
        return self.wrap.actions[item_id]

    def schedule_action_reminder(self, item: ActionItem, due_at: datetime) -> bool:
        if any(r.subject_id == item.id and r.due_at == due_at for r in self.wrap.reminders):
            return False
        self.wrap.reminders.append(
            ActionReminder(id=next(self.ids), incident_id=item.incident_id, subject_id=item.id, due_at=due_at)
        )
        return True

    def action_reminders(self, item_id: int) -> list[ActionReminder]:
        return sorted((r for r in self.wrap.reminders if r.subject_id == item_id), key=lambda r: r.due_at)

    def pending_action_reminders(self, now: datetime) -> list[ActionReminder]:
        due = [r for r in self.wrap.reminders if r.state == "pending" and r.due_at <= now]
        return sorted(due, key=lambda r: r.due_at)

    def finish_action_reminder(self, reminder_id: int, at: datetime) -> None:
        self.wrap.reminders = [
            ActionReminder(r.id, r.incident_id, r.subject_id, r.due_at, "done", ACTION_OVERDUE)
            if r.id == reminder_id
            else r
            for r in self.wrap.reminders
        ]

    def add_analysis_entry(self, new: NewAnalysisEntry) -> AnalysisEntry:
        entry = AnalysisEntry(id=next(self.ids), **vars(new))
        self.wrap.analysis.append(entry)
        return entry

    def analysis_entries(self, incident_id: int) -> list[AnalysisEntry]:
        return [e for e in self.wrap.analysis if e.incident_id == incident_id]

    def incidents_declared_since(self, team_id: str, since: datetime) -> list[Incident]:
        return [i for i in self.incidents.values() if i.team_id == team_id and i.declared_at >= since]

    def incidents_numbered(self, number: int) -> list[Incident]:
        return [i for i in self.incidents.values() if i.number == number]


class ResolutionRecording:
    """Mixed into RecordingWorkspace: records the resolution-related Slack calls."""

    if TYPE_CHECKING:

        def _record(self, name: str, payload: Any) -> None: ...

    def post_resolution(self, view: IncidentView, resolution: Resolution, metrics: IncidentMetrics) -> None:
        self._record("post_resolution", (resolution, metrics))

    def offer_postmortem(self, view: IncidentView, user_id: str) -> None:
        self._record("offer_postmortem", user_id)

    def post_comms_text(self, view: IncidentView, text: CommsText, channel_id: str) -> str:
        self._record("post_comms_text", (text, channel_id))
        return f"2.{text.id:04d}"

    def post_action_item(self, view: IncidentView, item: ActionItem, by: str) -> None:
        self._record("post_action_item", (item, by))

    def remind_action_owner(self, view: IncidentView, item: ActionItem, owner_id: str) -> None:
        self._record("remind_action_owner", (item, owner_id))
