"""`/incident <subcommand> …`: parse the text, call a service, answer."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel
from slack_bolt import Ack, App

from incidentbot.changes import service as changes
from incidentbot.changes import slack_lowering as severity_lowering
from incidentbot.declare import service as declare
from incidentbot.declare import slack_blocks as modals
from incidentbot.declare.retry import RETRY_SETUP, RetrySetup
from incidentbot.incident.models import Role, Severity, Status
from incidentbot.kernel import commands, journal
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.listing import queries
from incidentbot.roles import service as roles
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand, Where, show_help
from incidentbot.slack.listeners.people_args import person_named
from incidentbot.timeline.slack_commands import install_timeline
from incidentbot.timeline.slack_message_text import readable

COMMAND = "/incident"


def register(app: App, deps: Deps, router: Router) -> None:
    install_core(router)
    install_timeline(router)

    def on_incident(ack: Ack, body: dict[str, Any]) -> None:
        name, _, rest = str(body.get("text") or "").strip().partition(" ")
        invocation = Invocation(deps=deps, ack=ack, body=body, args=rest.strip())
        router.dispatch(invocation, name.lower() or _default_subcommand(deps, invocation))

    app.command(COMMAND)(on_incident)


def _default_subcommand(deps: Deps, invocation: Invocation) -> str:
    """Bare `/incident`: declare outside an incident channel, help inside one."""
    with deps.services.store.transaction() as tx:
        inside = tx.incident_by_channel(invocation.channel_id) is not None
    return "help" if inside else "declare"


def install_core(router: Router) -> None:
    router.declare(
        Subcommand(
            ("declare", "new", "open"), open_declare_modal, "declare/help.toml", Group.START, Where.ANYWHERE
        ),
        Subcommand(("list", "ls"), list_incidents, "listing/help.toml", Group.START, Where.ANYWHERE),
        Subcommand(("retry",), retry_setup, "declare/help.toml", Group.START, Where.ANYWHERE),
        Subcommand(
            ("help", "?"),
            partial(show_help, router=router),
            "slack/help/help.toml",
            Group.START,
            Where.ANYWHERE,
        ),
        Subcommand(("role", "assign"), assign_role, "roles/help.toml", Group.RESPOND),
        Subcommand(("severity", "sev"), change_severity, "changes/help.toml", Group.RESPOND),
        Subcommand(("status",), change_status, "changes/help.toml", Group.RESPOND),
    )


def open_declare_modal(inv: Invocation) -> None:
    deps = inv.deps
    build = partial(
        modals.declare_modal,
        deps.renderer,
        deps.services.policy,
        title=readable(inv.args, deps.workspace.name_of),
        declarer=inv.user_id,
        origin_channel=inv.channel_id,
    )
    inv.open_modal(build)


def assign_role(inv: Invocation) -> None:
    role_word, _, who = inv.args.partition(" ")
    role = Role.parse(role_word) if role_word else None
    if role is None or not who.strip():
        inv.usage("role")
        return
    example = inv.deps.renderer.label("usage.role_example", role=role_word.lower())
    assignee = person_named(inv, who, example)
    if assignee is None:
        return
    asked = roles.AssignRole(channel_id=inv.channel_id, user_id=inv.user_id, role=role, assignee=assignee)
    services = inv.deps.services
    row = commands.submit(services, asked)
    if row is not None:
        inv.later(partial(commands.apply_submitted, services, row, roles.ASSIGN_ROLE))


def change_severity(inv: Invocation) -> None:
    severity = Severity.parse(inv.args)
    if severity is None:
        inv.usage("severity")
        return
    incident = changes.lowering_to_confirm(inv.deps.services, inv.channel_id, severity, inv.user_id)
    if incident is not None:
        inv.reply_with_blocks(*severity_lowering.confirmation(inv.deps, incident, severity))
        return
    asked = changes.ChangeRequest(channel_id=inv.channel_id, user_id=inv.user_id, severity=severity)
    _journal_then_apply(inv, JournalKind.CHANGE, asked, changes.apply_change)


def change_status(inv: Invocation) -> None:
    status = Status.parse(inv.args)
    if status is None:
        inv.usage("status")
        return
    asked = changes.ChangeRequest(channel_id=inv.channel_id, user_id=inv.user_id, status=status)
    _journal_then_apply(inv, JournalKind.CHANGE, asked, changes.apply_change)


def _journal_then_apply(
    inv: Invocation, kind: JournalKind, asked: BaseModel, apply: journal.Apply[object]
) -> None:
    """On record before the ack, applied just after it (`kernel/journal.py`)."""
    services = inv.deps.services
    row = journal.accept(services, kind, asked)
    inv.later(lambda: journal.apply_now(services, row, apply))


def list_incidents(inv: Invocation) -> None:
    # Read after the ack: under a burst, a query before it would hold up everyone else's.
    inv.later(partial(_send_list, inv))


def _send_list(inv: Invocation) -> None:
    views = queries.visible_open_incidents(inv.deps.services, inv.team_id, inv.user_id)
    inv.tell(inv.deps.renderer.render("listing/list.j2", views=views))


def retry_setup(inv: Invocation) -> None:
    pending = [
        i for i in declare.pending_setups(inv.deps.services, inv.team_id) if i.declared_by == inv.user_id
    ]
    if not pending:
        inv.usage("nothing_to_retry")
        return
    # Journalled before the answer, as the Retry button is: a retry acknowledged is a retry made.
    rows = [
        commands.submit(
            inv.deps.services, RetrySetup(user_id=inv.user_id, channel_id=inv.channel_id, incident_id=i.id)
        )
        for i in pending
    ]
    inv.reply(inv.deps.renderer.label("usage.retrying", incidents=", ".join(i.label for i in pending)))
    for row in rows:
        if row is not None:
            apply = partial(commands.apply_submitted, inv.deps.services, row, RETRY_SETUP)
            inv.deps.later(inv.channel_id or None, inv.user_id, apply)
