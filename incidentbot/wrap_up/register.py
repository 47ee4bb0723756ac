"""The rows wrap-up handles: its commands, its messages, and reminders of overdue action items."""

from __future__ import annotations

from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry
from incidentbot.wrap_up import action_items, analysis, comms, resolve
from incidentbot.wrap_up import deliver as wrap_up_deliver
from incidentbot.wrap_up.ports import ACTION_OVERDUE


def register(registry: Registry) -> None:
    registry.add_delivery(ACTION_OVERDUE, action_items.remind_overdue)
    registry.add_delivery(OutboxKind.POSTMORTEM_OFFER, wrap_up_deliver.deliver_postmortem_offer)
    registry.add_delivery(OutboxKind.COMMS_POST, wrap_up_deliver.deliver_comms_text)
    registry.add_delivery(OutboxKind.ACTION_ITEM_POST, wrap_up_deliver.deliver_action_item)
    for command in (resolve.RESOLVE, comms.SAVE, action_items.ADD, action_items.SET_STATE, analysis.ADD):
        registry.add_command(command)
