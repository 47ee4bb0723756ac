"""Delivering the messages wrap-up commands owe (outbox handlers, see `kernel/outbox.py`).

Each renders from the database when it runs, so a delivery retried after a restart says what
is true then.
"""

from __future__ import annotations

from incidentbot.kernel.context import Services
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete


def deliver_postmortem_offer(services: Services, reminder: Reminder) -> None:
    """Offer whoever leads the incident now (the resolver when nobody does) to start the postmortem."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(reminder.incident_id or 0)
        resolution = tx.resolution(incident.id) if incident else None
        if incident is None or resolution is None:
            raise ReminderObsolete
        view = services.view(tx, incident)
    services.workspace.offer_postmortem(view, view.roster.commander or resolution.resolved_by)
