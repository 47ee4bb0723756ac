"""The rows a change of severity or status leaves: the request, its notices, the summary sync and
the lowering question's removal."""

from __future__ import annotations

from incidentbot.changes import commands, notices, slack_lowering
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry


def register(registry: Registry) -> None:
    registry.add_command(commands.CHANGE)
    registry.add_command(commands.KEEP_SEVERITY)
    registry.add_delivery(commands.QUESTION_ANSWERED, slack_lowering.deliver_question_removal)
    registry.add_delivery(OutboxKind.CHANGE_NOTICE, notices.deliver_change_notice)
    registry.add_delivery(OutboxKind.SYNC_SUMMARY, notices.deliver_sync_summary)
    registry.add_delivery(OutboxKind.RESOLUTION_POST, notices.deliver_resolution)
