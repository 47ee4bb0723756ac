"""The rows wrap-up delivers: reminders of overdue action items."""

from __future__ import annotations

from incidentbot.kernel.registry import Registry
from incidentbot.wrap_up import action_items
from incidentbot.wrap_up.ports import ACTION_OVERDUE


def register(registry: Registry) -> None:
    registry.add_delivery(ACTION_OVERDUE, action_items.remind_overdue)
