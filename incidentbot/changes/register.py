"""The rows a change of severity or status leaves: the request, its notices, the summary sync and
the lowering question's removal."""

from __future__ import annotations

from incidentbot.changes import notices, slack_lowering
from incidentbot.changes import service as changes
from incidentbot.kernel.journal import replaying
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry


def register(registry: Registry) -> None:
    registry.add_delivery(JournalKind.CHANGE, replaying(changes.apply_change))
    registry.add_command(changes.KEEP_SEVERITY)
    registry.add_delivery(changes.QUESTION_ANSWERED, slack_lowering.deliver_question_removal)
    registry.add_delivery(OutboxKind.CHANGE_NOTICE, notices.deliver_change_notice)
    registry.add_delivery(OutboxKind.SYNC_SUMMARY, notices.deliver_sync_summary)
    registry.add_delivery(OutboxKind.RESOLUTION_POST, notices.deliver_resolution)
