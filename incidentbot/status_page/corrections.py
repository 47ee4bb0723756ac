"""Correcting a published customer text: a journalled command, applied once after the ack.

The text is replaced (the one it replaced is kept), the timeline records who corrected it, and
the page is owed a rewrite (`REWRITE`), all in one unit of work: a process killed right after
the form's ack applies it when restarted, and the page shows it then.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from incidentbot.incident.models import EventKind
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.status_page.model import PublishedUpdate
from incidentbot.status_page.render_site import REWRITE
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms_rules import COMMS_TEXT_MAX

EXCERPT = 200


class CorrectPublishedText(Command):
    """The correction form, submitted and checked: `update_id` is the published update's public id."""

    kind: ClassVar[str] = "apply_page_correction"
    incident_id: int
    update_id: str
    text: str = Field(min_length=1, max_length=COMMS_TEXT_MAX)


def correct(uow: UnitOfWork, command: CorrectPublishedText) -> PublishedUpdate:
    """Replace the text and record it on the timeline, as of when the form was sent."""
    at, by, text = command.received_at or uow.now, command.user_id, command.text
    corrected = sql_of(uow.tx).correct(command.update_id, text, by, at)
    if corrected is None:
        raise IncidentNotFound(str(command.incident_id))
    excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
    uow.tx.add_event(
        NewEvent(
            incident_id=corrected.incident_id,
            kind=EventKind.COMMUNICATION,
            text=f"Status page text corrected: {excerpt}",
            occurred_at=at,
            actor_id=by,
        )
    )
    uow.emit(REWRITE, corrected.incident_id, corrected.incident_id)
    return corrected


# The person is told once it is applied; the page's rewrite is no message they wait on.
CORRECT = CommandHandler(CorrectPublishedText, correct, tells_the_actor=False)
