"""The nag DM edited to show a snooze: an outbox message the snooze owes, sent after its commit.

The DM is edited as the snooze stands when the message goes out, so a restart that applies the
snooze later still replaces the nag's buttons, once.
"""

from __future__ import annotations

import json

from incidentbot.cadence.ports import CADENCE_MESSAGES
from incidentbot.kernel.context import Services
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete


def deliver_snoozed_nag(services: Services, row: Reminder) -> None:
    shown_on = json.loads(row.payload or "{}")
    with services.store.transaction() as tx:
        commitment = tx.get_commitment(row.subject_id or 0)
        incident = tx.get_incident(commitment.incident_id) if commitment else None
        if commitment is None or incident is None:
            raise ReminderObsolete(f"commitment {row.subject_id} is gone")
        view = services.view(tx, incident)
    messages = CADENCE_MESSAGES.of(services)
    messages.show_snoozed(view, commitment, str(shown_on["channel"]), str(shown_on["ts"]))
