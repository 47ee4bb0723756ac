"""Which handler delivers each kind of reminder; add a kind with one line in `HANDLERS`."""

from __future__ import annotations

from collections.abc import Mapping

from incidentbot.domain.journal import JournalKind
from incidentbot.domain.outbox import OutboxKind
from incidentbot.domain.reminders import ReminderKind
from incidentbot.services import (
    action_items,
    changes,
    declare,
    nags,
    notices,
    roles,
    timeline,
    timeline_capture,
    updates,
)
from incidentbot.services.context import Services
from incidentbot.services.journal import replaying
from incidentbot.services.reminders import FireReport, Handler, run_due
from incidentbot.services.resolution_ports import ACTION_OVERDUE
from incidentbot.status_page.prompt import deliver_prompt
from incidentbot.status_page.publishing import STATUS_PAGE_PROMPT

HANDLERS: Mapping[str, Handler] = {
    ReminderKind.NAG: nags.deliver_nag,
    ReminderKind.NAG_NOTICE: nags.deliver_nag_notice,
    ReminderKind.ESCALATION: nags.deliver_escalation,
    ACTION_OVERDUE: action_items.remind_overdue,
    STATUS_PAGE_PROMPT: deliver_prompt,
    OutboxKind.SET_UP: declare.deliver_set_up,
    OutboxKind.SETUP_DELAYED: declare.deliver_setup_delayed,
    OutboxKind.PUBLISH_UPDATE: updates.deliver_update,
    OutboxKind.CHANGE_NOTICE: notices.deliver_change_notice,
    OutboxKind.ROLE_NOTICE: roles.deliver_role_notice,
    OutboxKind.ROLE_CHECKLIST: roles.deliver_role_checklist,
    OutboxKind.SYNC_SUMMARY: notices.deliver_sync_summary,
    OutboxKind.RESOLUTION_POST: notices.deliver_resolution,
    OutboxKind.CAPTURE: timeline_capture.deliver_capture,
    JournalKind.DECLARE: replaying(declare.apply_declaration),
    JournalKind.NOTE: replaying(timeline.apply_note),
    JournalKind.MARK: replaying(timeline_capture.apply_mark),
    JournalKind.CHANGE: replaying(changes.apply_change),
    JournalKind.ROLE: replaying(roles.apply_role),
    JournalKind.ROLES: replaying(roles.apply_chosen),
}


def fire_due(
    services: Services, worker_id: str, handlers: Mapping[str, Handler] = HANDLERS, *, parallel: int = 1
) -> FireReport:
    """Deliver every reminder due now; called every few seconds by each bot process."""
    return run_due(services, worker_id, handlers, parallel=parallel)
