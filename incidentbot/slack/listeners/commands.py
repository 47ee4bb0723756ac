"""`/incident <subcommand> …`: parse the text, call a service, answer."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.changes.slack_listeners import install_changes
from incidentbot.declare import service as declare
from incidentbot.declare import slack_blocks as modals
from incidentbot.declare.retry import RETRY_SETUP, RetrySetup
from incidentbot.incident.models import Role
from incidentbot.kernel import commands
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
    install_changes(router)
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
