"""A snooze button on a nag, clicked: the next update promised a few minutes later, once."""

from __future__ import annotations

import json
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
    nag_channel: str | None = None
    nag_ts: str | None = None
    """The nag DM the button was on, edited to show the snooze."""


SNOOZED_NAG = "snoozed_nag"
"""The outbox row that edits the nag DM to show the snooze (`subject_id` is the new commitment;
its payload, the DM's channel and ts)."""


def snooze_next_update(uow: UnitOfWork, command: SnoozeNextUpdate) -> nags.Snoozed:
    snoozed = nags.snooze_in(
        uow, command.commitment_id, command.minutes, command.user_id, command.received_at
    )
    if command.nag_channel and command.nag_ts:
        shown_on = json.dumps({"channel": command.nag_channel, "ts": command.nag_ts})
        uow.emit(SNOOZED_NAG, snoozed.commitment.incident_id, snoozed.commitment.id, shown_on)
    return snoozed


# The person sees the snooze on the nag itself; the channel notice may follow when Slack can take it.
SNOOZE = CommandHandler(SnoozeNextUpdate, snooze_next_update, tells_the_actor=False)
