"""The rows the cadence delivers: update posts, nags about a missed update and their escalations;
and its messages, built in Slack by `slack_messages.py`."""

from __future__ import annotations

from incidentbot.cadence import nags, post_update, slack_messages, snooze, snoozed_nag, updates
from incidentbot.cadence.ports import CADENCE_MESSAGES
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import ReminderKind


def register(registry: Registry) -> None:
    registry.add_delivery(ReminderKind.NAG, nags.deliver_nag, timed=True)
    registry.add_delivery(ReminderKind.NAG_NOTICE, nags.deliver_nag_notice, timed=True)
    registry.add_delivery(ReminderKind.ESCALATION, nags.deliver_escalation, timed=True)
    registry.add_delivery(OutboxKind.PUBLISH_UPDATE, updates.deliver_update)
    registry.add_command(post_update.POST_UPDATE)
    registry.add_command(snooze.SNOOZE)
    registry.add_delivery(snooze.SNOOZED_NAG, snoozed_nag.deliver_snoozed_nag, timed=True)
    registry.add_messages(CADENCE_MESSAGES, slack_messages.SlackCadenceMessages)
