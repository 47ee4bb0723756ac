"""Which handler delivers each kind of reminder; add a kind with one line in `HANDLERS`."""

from __future__ import annotations

from collections.abc import Mapping

from incidentbot.alerts import slack_triage
from incidentbot.alerts.sql_handlers import ATTACH_ALERTS, DISMISS_ALERTS, RECEIVE_ALERTS
from incidentbot.cadence import nags, updates
from incidentbot.changes import notices
from incidentbot.changes import service as changes
from incidentbot.declare import service as declare
from incidentbot.kernel.commands import replaying_handler
from incidentbot.kernel.context import Services
from incidentbot.kernel.journal import replaying
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderKind
from incidentbot.kernel.reminders import FireReport, Handler, run_due
from incidentbot.roles import service as roles
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline import notes
from incidentbot.wrap_up import action_items
from incidentbot.wrap_up.ports import ACTION_OVERDUE

HANDLERS: Mapping[str, Handler] = {
    ReminderKind.NAG: nags.deliver_nag,
    ReminderKind.NAG_NOTICE: nags.deliver_nag_notice,
    ReminderKind.ESCALATION: nags.deliver_escalation,
    ACTION_OVERDUE: action_items.remind_overdue,
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
    JournalKind.NOTE: replaying_handler(notes.ADD_NOTE),
    JournalKind.MARK: replaying(timeline_capture.apply_mark),
    JournalKind.CHANGE: replaying(changes.apply_change),
    JournalKind.ROLE: replaying(roles.apply_role),
    JournalKind.ROLES: replaying(roles.apply_chosen),
    JournalKind.ALERTS: replaying_handler(RECEIVE_ALERTS),
    JournalKind.DISMISS_ALERTS: replaying_handler(DISMISS_ALERTS),
    JournalKind.ATTACH_ALERTS: replaying_handler(ATTACH_ALERTS),
    OutboxKind.ALERT_TRIAGE: slack_triage.deliver_triage,
}


def fire_due(
    services: Services, worker_id: str, handlers: Mapping[str, Handler] = HANDLERS, *, parallel: int = 1
) -> FireReport:
    """Deliver every reminder due now; called every few seconds by each bot process."""
    return run_due(services, worker_id, handlers, parallel=parallel)
