"""`/incident severity …` and `/incident status …`: parsed and journalled before the ack, applied just after.

A lowering of SEV-1/SEV-2 by someone holding no role is answered with the question instead
(`slack_lowering.py`), and journalled only once it is confirmed.
"""

from __future__ import annotations

from functools import partial

from incidentbot.changes import service, slack_lowering
from incidentbot.changes.commands import CHANGE, ChangeIncident
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel import commands
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand

WORDS = "changes/help.toml"


def install_changes(router: Router) -> None:
    router.declare(
        Subcommand(("severity", "sev"), change_severity, WORDS, Group.RESPOND),
        Subcommand(("status",), change_status, WORDS, Group.RESPOND),
    )


def change_severity(inv: Invocation) -> None:
    severity = Severity.parse(inv.args)
    if severity is None:
        inv.usage("severity")
        return
    incident = service.lowering_to_confirm(inv.deps.services, inv.channel_id, severity, inv.user_id)
    if incident is not None:
        inv.reply_with_blocks(*slack_lowering.confirmation(inv.deps, incident, severity))
        return
    _submit(inv, ChangeIncident(channel_id=inv.channel_id, user_id=inv.user_id, severity=severity))


def change_status(inv: Invocation) -> None:
    status = Status.parse(inv.args)
    if status is None:
        inv.usage("status")
        return
    _submit(inv, ChangeIncident(channel_id=inv.channel_id, user_id=inv.user_id, status=status))


def _submit(inv: Invocation, asked: ChangeIncident) -> None:
    """On record before the ack, applied just after it (`kernel/commands.py`)."""
    services = inv.deps.services
    row = commands.submit(services, asked)
    assert row is not None, "a change names no delivery, so it is never a repeat"
    inv.later(partial(commands.apply_submitted, services, row, CHANGE))
