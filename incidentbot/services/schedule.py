"""Which handler delivers each kind of reminder; add a kind with one line in `HANDLERS`."""

from __future__ import annotations

from collections.abc import Mapping

from incidentbot.domain.reminders import ReminderKind
from incidentbot.services import action_items, nags
from incidentbot.services.context import Services
from incidentbot.services.reminders import FireReport, Handler, run_due
from incidentbot.services.resolution_ports import ACTION_OVERDUE

HANDLERS: Mapping[str, Handler] = {
    ReminderKind.NAG: nags.deliver_nag,
    ReminderKind.NAG_NOTICE: nags.deliver_nag_notice,
    ReminderKind.ESCALATION: nags.deliver_escalation,
    ACTION_OVERDUE: action_items.remind_overdue,
}


def fire_due(
    services: Services, worker_id: str, handlers: Mapping[str, Handler] = HANDLERS, *, parallel: int = 1
) -> FireReport:
    """Deliver every reminder due now; called every few seconds by each bot process."""
    return run_due(services, worker_id, handlers, parallel=parallel)
