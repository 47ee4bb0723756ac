"""In-memory wrap-up for `MemoryStore`: resolutions, comms texts, action items and their overdue
reminders, analysis (`wrap_up/ports.py`; the SQL store's is `store/sql_wrap_up.py`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from incidentbot.cadence.ports import NewReminder
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.wrap_up.action_item_rules import ActionItem, ActionState
from incidentbot.wrap_up.analysis_rules import AnalysisEntry
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText
from incidentbot.wrap_up.ports import (
    ACTION_OVERDUE,
    ActionReminder,
    NewActionItem,
    NewAnalysisEntry,
    NewCommsText,
)
from incidentbot.wrap_up.resolution_rules import Resolution

PENDING = ReminderState.PENDING


@dataclass
class WrapUpRecords:
    resolutions: dict[int, Resolution] = field(default_factory=dict)
    comms: list[CommsText] = field(default_factory=list)
    actions: dict[int, ActionItem] = field(default_factory=dict)
    analysis: list[AnalysisEntry] = field(default_factory=list)

    def copy(self) -> WrapUpRecords:
        return WrapUpRecords(**{name: copy.copy(rows) for name, rows in vars(self).items()})


class MemoryWrapUp:
    """Mixed into MemoryStore, whose `ids` it shares, and whose queue (`memory_queue.py`) holds the
    overdue reminders, as in SQL."""

    ids: Iterator[int]
    reminder_rows: dict[int, Reminder]

    if TYPE_CHECKING:

        def add_reminder(self, new: NewReminder) -> Reminder | None: ...

    @property
    def wrap(self) -> WrapUpRecords:
        return self.__dict__.setdefault("_wrap", WrapUpRecords())  # type: ignore[no-any-return]

    def save_resolution(self, resolution: Resolution) -> Resolution:
        self.wrap.resolutions[resolution.incident_id] = resolution
        return resolution

    def resolution(self, incident_id: int) -> Resolution | None:
        return self.wrap.resolutions.get(incident_id)

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
        return sorted(
            (
                t
                for t in self.wrap.comms
                if t.incident_id == incident_id and (audience is None or t.audience == audience)
            ),
            key=lambda t: (t.created_at, t.id),
        )

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

    # Overdue reminders are rows of the reminders queue, as in SQL, so the scheduler takes them.

    def schedule_action_reminder(self, item: ActionItem, due_at: datetime) -> bool:
        new = NewReminder(ACTION_OVERDUE, due_at, incident_id=item.incident_id, subject_id=item.id)
        return self.add_reminder(new) is not None

    def action_reminders(self, item_id: int) -> list[ActionReminder]:
        mine = (
            r for r in self.reminder_rows.values() if r.kind == ACTION_OVERDUE and r.subject_id == item_id
        )
        return [_action_reminder(r) for r in sorted(mine, key=lambda r: r.due_at)]

    def pending_action_reminders(self, now: datetime) -> list[ActionReminder]:
        """Due overdue reminders nobody has sent yet (a test's stand-in for the scheduler's claim)."""
        due = [
            r
            for r in self.reminder_rows.values()
            if r.kind == ACTION_OVERDUE and r.state is PENDING and r.due_at <= now
        ]
        return [_action_reminder(r) for r in sorted(due, key=lambda r: r.due_at)]

    def finish_action_reminder(self, reminder_id: int, at: datetime) -> None:
        sent = self.reminder_rows[reminder_id]
        self.reminder_rows[reminder_id] = sent.model_copy(
            update={"state": ReminderState.DONE, "fired_at": at}
        )

    def add_analysis_entry(self, new: NewAnalysisEntry) -> AnalysisEntry:
        entry = AnalysisEntry(id=next(self.ids), **vars(new))
        self.wrap.analysis.append(entry)
        return entry

    def analysis_entries(self, incident_id: int) -> list[AnalysisEntry]:
        mine = (e for e in self.wrap.analysis if e.incident_id == incident_id)
        return sorted(mine, key=lambda e: (e.created_at, e.id))


def _action_reminder(row: Reminder) -> ActionReminder:
    return ActionReminder(row.id, row.incident_id, row.subject_id, row.due_at, row.state.value, row.kind)
