"""The rows a declaration leaves: the request itself, the channel setup and word of its delay;
and its messages, built in Slack by `slack_messages.py`."""

from __future__ import annotations

from incidentbot.declare import retry, slack_messages
from incidentbot.declare import service as declare
from incidentbot.declare.ports import DECLARATION_MESSAGES
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry


def register(registry: Registry) -> None:
    registry.add_command(declare.DECLARE)
    registry.add_delivery(OutboxKind.SET_UP, declare.deliver_set_up)
    registry.add_delivery(OutboxKind.SETUP_DELAYED, declare.deliver_setup_delayed)
    registry.add_command(retry.RETRY_SETUP)
    registry.add_messages(DECLARATION_MESSAGES, slack_messages.SlackDeclarationMessages)
