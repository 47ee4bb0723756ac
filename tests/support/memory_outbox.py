"""In-memory outbox rows for `MemoryStore` and the outbox's Slack call for `RecordingWorkspace`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from incidentbot.incident.models import Role, RoleAssignment
from incidentbot.kernel.errors import IncidentError
from incidentbot.kernel.ports import IncidentView
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from tests.support.memory_updates import claimed_values

PENDING = ReminderState.PENDING
_TICK = timedelta(microseconds=1)


class MemoryOutbox:
    """Mixed into MemoryStore, whose reminder rows, ids and role assignments it shares."""

    reminder_rows: dict[int, Reminder]
    row_ids: Iterator[int]
    assignments: list[RoleAssignment]

    def add_outbox_row(
        self,
        kind: str,
        incident_id: int | None,
        subject_id: int,
        due_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
        payload: str | None = None,
    ) -> Reminder:
        # The same rule as the SQL store's partial unique index: one row per kind, subject, instant.
        taken = [r.due_at for r in self.outbox_rows(kind, subject_id)]
        at = due_at if not taken or max(taken) < due_at else max(taken) + _TICK
        reminder = Reminder(
            id=next(self.row_ids),
            kind=kind,
            incident_id=incident_id,
            subject_id=subject_id,
            due_at=at,
            claimed_by=leased_to,
            claimed_until=hold_until if leased_to or hold_until > at else None,
            payload=payload,
        )
        self.reminder_rows[reminder.id] = reminder
        return reminder

    def add_request_row(
        self,
        kind: str,
        payload: str,
        received_at: datetime,
        hold_until: datetime,
        leased_to: str | None = None,
    ) -> Reminder:
        reminder = Reminder(
            id=next(self.row_ids),
            kind=kind,
            due_at=received_at,
            claimed_by=leased_to,
            claimed_until=hold_until,
            payload=payload,
        )
        self.reminder_rows[reminder.id] = reminder
        return reminder

    def outbox_rows(self, kind: str, subject_id: int) -> list[Reminder]:
        return sorted(
            (
                r
                for r in self.reminder_rows.values()
                if r.kind == kind and r.subject_id == subject_id and r.commitment_id is None
            ),
            key=lambda r: r.id,
        )

    def unstarted_outbox_row(self, kind: str, subject_id: int) -> Reminder | None:
        waiting = [
            r for r in self.outbox_rows(kind, subject_id) if r.state is PENDING and r.claimed_by is None
        ]
        return waiting[0] if waiting else None

    def claim_reminder_ids(
        self, ids: Sequence[int], worker: str, now: datetime, until: datetime
    ) -> list[Reminder]:
        claimed = []
        for reminder_id in sorted(set(ids)):
            row = self.reminder_rows.get(reminder_id)
            if row is None or row.state is not PENDING:
                continue
            if row.claimed_by is not None and row.claimed_until is not None and row.claimed_until > now:
                continue
            row = row.model_copy(update=claimed_values(row, worker, until))
            self.reminder_rows[reminder_id] = row
            claimed.append(row)
        return claimed

    def role_assignment_id(self, incident_id: int, role: Role) -> int | None:
        # A row's id is its place in the list, counted from 1.
        current = [
            index
            for index, a in enumerate(self.assignments, start=1)
            if a.incident_id == incident_id and a.role == role and a.ended_at is None
        ]
        return current[-1] if current else None

    def role_assignment(self, assignment_id: int) -> RoleAssignment | None:
        if 1 <= assignment_id <= len(self.assignments):
            return self.assignments[assignment_id - 1]
        return None


class OutboxRecording:
    """Mixed into RecordingWorkspace: records the outbox's own Slack call."""

    if TYPE_CHECKING:

        def _record(self, name: str, payload: Any) -> None: ...

    def explain_refusal(self, channel_id: str | None, user_id: str, error: IncidentError) -> None:
        self._record("explain_refusal", (channel_id, user_id, error.code, error.detail))

    def post_rendered(self, view: IncidentView, template: str, **context: object) -> str:
        self._record(*_message("post_rendered", (view.incident.channel_id, template, context)))
        return "1.0010"

    def post_rendered_once(
        self, view: IncidentView, template: str, key: str, *, look_first: bool, **context: object
    ) -> str:
        self._record("post_rendered", (view.incident.channel_id, template, context))
        return "1.0010"

    def dm_rendered(self, view: IncidentView, user_id: str, template: str, **context: object) -> str:
        self._record(*_message("dm_rendered", (user_id, template, context)))
        return "1.0011"


CHECKLIST = re.compile(r"roles/checklists/(\w+)\.j2")


def _message(call: str, payload: tuple[Any, str, dict[str, Any]]) -> tuple[str, Any]:
    """A message the services tests know by name (`post_role_change`, `send_role_checklist`,
    `post_change`), recorded, and failed with `failing`, under that name with what it says;
    any other rendered message under the call's own name."""
    whom, template, context = payload
    if template == "roles/role_change.j2":
        return "post_role_change", (context["role"], context["user"], context["by"])
    if call == "dm_rendered" and (checklist := CHECKLIST.fullmatch(template)):
        return "send_role_checklist", (Role(checklist.group(1)), whom)
    if template == "changes/change.j2":
        return "post_change", context["event"]
    return call, payload
