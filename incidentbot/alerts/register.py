"""The rows alert intake handles: alerts received, groups dismissed or attached, triage messages."""

from __future__ import annotations

from incidentbot.alerts import slack_commander, slack_triage, sql_summary
from incidentbot.alerts.sql_handlers import (
    ATTACH_ALERTS,
    DECLARE_FROM_ALERT,
    DISMISS_ALERTS,
    RECEIVE_ALERTS,
)
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry


def register(registry: Registry) -> None:
    for command in (RECEIVE_ALERTS, DISMISS_ALERTS, ATTACH_ALERTS, DECLARE_FROM_ALERT):
        registry.add_command(command)
    registry.add_delivery(OutboxKind.ALERT_TRIAGE, slack_triage.deliver_triage)
    registry.add_delivery(OutboxKind.ALERT_COMMANDER, slack_commander.deliver_commander)
    registry.add_delivery(OutboxKind.ALERT_NO_COMMANDER, slack_commander.deliver_no_commander)
    registry.add_delivery(OutboxKind.ALERT_CHANNEL_LINK, slack_commander.deliver_channel_link)
    registry.add_view_part(sql_summary.linked_alerts)
