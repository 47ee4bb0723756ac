"""The rows wrap-up handles: its commands, its messages, and reminders of overdue action items;
and its messages, built in Slack by `slack_messages.py`."""

from __future__ import annotations

from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry
from incidentbot.wrap_up import action_items, analysis, comms, resolve, slack_messages
from incidentbot.wrap_up import deliver as wrap_up_deliver
from incidentbot.wrap_up.ports import ACTION_OVERDUE, WRAP_UP_MESSAGES


def register(registry: Registry) -> None:
    registry.add_delivery(ACTION_OVERDUE, action_items.remind_overdue)
    registry.add_delivery(OutboxKind.POSTMORTEM_OFFER, wrap_up_deliver.deliver_postmortem_offer)
    registry.add_delivery(OutboxKind.COMMS_POST, wrap_up_deliver.deliver_comms_text)
    registry.add_delivery(OutboxKind.ACTION_ITEM_POST, wrap_up_deliver.deliver_action_item)
    for command in (resolve.RESOLVE, comms.SAVE, action_items.ADD, action_items.SET_STATE, analysis.ADD):
        registry.add_command(command)
    registry.add_messages(WRAP_UP_MESSAGES, slack_messages.SlackWrapUpMessages)
