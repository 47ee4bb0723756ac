"""The rows a declaration leaves: the request itself, the channel setup and word of its delay."""

from __future__ import annotations

from incidentbot.declare import retry
from incidentbot.declare import service as declare
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry


def register(registry: Registry) -> None:
    registry.add_command(declare.DECLARE)
    registry.add_delivery(OutboxKind.SET_UP, declare.deliver_set_up)
    registry.add_delivery(OutboxKind.SETUP_DELAYED, declare.deliver_setup_delayed)
    registry.add_command(retry.RETRY_SETUP)
