"""The role holders' checklist DMs a declaration owes, sent by the channel's setup that owes them.

The setup writes their rows leased to itself and sends them with the incident it has just read,
so a DM costs no transaction of its own: the rows sent are marked done with the setup's last step.
A DM Slack does not take is released to the scheduler, which sends it through the `role_checklist`
handler (`roles/service.py`), as it does when the setup's process dies before sending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from incidentbot.incident.models import Incident, Role
from incidentbot.kernel import outbox, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, Transaction, iter_roles
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.roles import messages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OwedChecklist:
    row: Reminder
    role: Role
    user_id: str


def owe(tx: Transaction, incident: Incident, now: datetime, worker: str | None) -> list[OwedChecklist]:
    """One row per assignment, so no checklist is sent twice; the declarer commanding gets none."""
    owed: list[OwedChecklist] = []
    for role, user_id in iter_roles(tx.roster(incident.id)):
        assignment = tx.role_assignment_id(incident.id, role)
        if assignment is None or (user_id == incident.declared_by and role is Role.COMMANDER):
            continue
        row = outbox.enqueue_once(tx, OutboxKind.ROLE_CHECKLIST, incident.id, assignment, now, worker)
        if row is not None:
            owed.append(OwedChecklist(row, role, user_id))
    return owed


def send(services: Services, view: IncidentView, owed: list[OwedChecklist]) -> list[Reminder]:
    """DM each checklist; returns the rows sent, for the caller to mark done in its next transaction.

    One that fails is retried on its own; it does not hold up the incident.
    """
    sent: list[Reminder] = []
    for checklist in owed:
        try:
            messages.send_checklist(services.workspace, view, checklist.role, checklist.user_id)
        except SlackUnavailable as error:
            reminders.release(services, checklist.row, str(error) or type(error).__name__)
            continue
        except Exception as error:
            # A bug must not lose the DM nor stop the setup: the scheduler retries it with a backoff.
            log.exception("checklist %s failed", checklist.row.id)
            reminders.release(services, checklist.row, f"{type(error).__name__}: {error}")
            continue
        sent.append(checklist.row)
    return sent
