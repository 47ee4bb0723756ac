"""The update form, submitted: a structured update recorded once and published in order."""

from __future__ import annotations

from typing import ClassVar

from incidentbot.cadence import updates
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork


class PostUpdate(Command):
    """The update form as the person filled it in (already checked field by field)."""

    kind: ClassVar[str] = JournalKind.UPDATE
    incident_id: int
    draft: UpdateDraft


def post_update(uow: UnitOfWork, command: PostUpdate) -> updates.Recorded:
    return updates.record_in(uow, command.incident_id, command.user_id, command.draft, command.received_at)


POST_UPDATE = CommandHandler(PostUpdate, post_update, send=updates.send_in_order)
