"""A snooze button on a nag, clicked: the next update promised a few minutes later, once."""

from __future__ import annotations

from typing import ClassVar

from incidentbot.cadence import nags
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork


class SnoozeNextUpdate(Command):
    """Which commitment the nag was about, and the snooze the person chose (already allowed)."""

    kind: ClassVar[str] = JournalKind.SNOOZE
    commitment_id: int
    minutes: int


def snooze_next_update(uow: UnitOfWork, command: SnoozeNextUpdate) -> nags.Snoozed:
    return nags.snooze_in(uow, command.commitment_id, command.minutes, command.user_id, command.received_at)


# The person sees the snooze on the nag itself; the channel notice may follow when Slack can take it.
SNOOZE = CommandHandler(SnoozeNextUpdate, snooze_next_update, tells_the_actor=False)
