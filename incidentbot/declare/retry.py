"""The Retry button on a setup that stopped: build the incident's Slack home again, now."""

from __future__ import annotations

from typing import ClassVar

from incidentbot.declare import service as declare
from incidentbot.incident.models import SetupState
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.unit_of_work import UnitOfWork


class RetrySetup(Command):
    kind: ClassVar[str] = JournalKind.RETRY_SETUP
    incident_id: int


def retry_setup(uow: UnitOfWork, command: RetrySetup) -> None:
    """Owe the incident's setup now: the job still waiting for its retry time, or a new one when
    the last attempt ended for good. Nothing when it is set up already."""
    incident = uow.tx.get_incident(command.incident_id)
    if incident is None:
        raise IncidentNotFound(str(command.incident_id))
    if incident.setup_state is SetupState.READY:
        return
    waiting = declare.pending_set_up(uow.tx, incident.id)
    if waiting is None:
        uow.emit(OutboxKind.SET_UP, incident.id, incident.id)
    else:
        uow.emit_queued(waiting)


# The setup tells the declarer itself how it went (a delay notice, or the channel ready).
RETRY_SETUP = CommandHandler(RetrySetup, retry_setup, tells_the_actor=False)
