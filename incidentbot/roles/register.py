"""The rows a role change leaves: the request (one role or the roles form), its notice, checklists."""

from __future__ import annotations

from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.registry import Registry
from incidentbot.roles import service as roles
from incidentbot.roles import take_role


def register(registry: Registry) -> None:
    registry.add_command(roles.ASSIGN_ROLE)
    registry.add_command(roles.ASSIGN_CHOSEN)
    registry.add_delivery(OutboxKind.ROLE_NOTICE, roles.deliver_role_notice)
    registry.add_delivery(OutboxKind.ROLE_CHECKLIST, roles.deliver_role_checklist)
    registry.add_command(take_role.TAKE_ROLE)
