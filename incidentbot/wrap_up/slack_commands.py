"""`/incident resolve | comms | postmortem | whys | factor | wentwell | action | actions | stats`."""

from __future__ import annotations

from functools import partial

from incidentbot.checker.checked_records import Added
from incidentbot.checker.slack_findings import tell_findings
from incidentbot.incident.models import Status
from incidentbot.kernel import commands
from incidentbot.kernel.errors import NotAnIncidentChannel
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand, Where
from incidentbot.slack.listeners.people_args import owner_completed
from incidentbot.timeline.slack_message_text import readable_keeping_people
from incidentbot.wrap_up import action_items, analysis, comms, metrics, resolve
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.slack_common import comms_form, post_postmortem

HISTORY = "history"
WORDS = "wrap_up/help.toml"


def install(router: Router) -> None:
    router.declare(
        Subcommand(("resolve",), open_resolve, WORDS, Group.WRAP_UP),
        Subcommand(("comms",), comms_command, WORDS, Group.WRAP_UP),
        Subcommand(("postmortem", "pm"), postmortem_command, WORDS, Group.WRAP_UP),
        Subcommand(("whys", "5whys"), open_five_whys, WORDS, Group.WRAP_UP),
        Subcommand(("factor",), open_factor, WORDS, Group.WRAP_UP),
        Subcommand(("wentwell", "went-well"), open_went_well, WORDS, Group.WRAP_UP),
        Subcommand(("action",), action_command, WORDS, Group.WRAP_UP),
        Subcommand(("actions",), list_actions, WORDS, Group.WRAP_UP),
        Subcommand(("stats", "metrics"), stats_command, WORDS, Group.WRAP_UP, Where.ANYWHERE),
    )


def open_resolve(inv: Invocation) -> None:
    deps = inv.deps
    incident = deps.services.incident_in_channel(inv.channel_id)
    resolve.check_resolvable(deps.services, incident.id, inv.user_id)
    inv.open_modal(partial(blocks.resolve_modal, deps.renderer, incident.id, inv.channel_id))


def comms_command(inv: Invocation) -> None:
    deps = inv.deps
    words = inv.args.lower().split()
    if words[:1] == [HISTORY]:
        incident = deps.services.incident_in_channel(inv.channel_id)
        texts = comms.history(deps.services, incident.id)
        inv.reply(deps.renderer.render("wrap_up/comms/history.j2", incident=incident, texts=texts))
        return
    audience = CommsAudience.parse(words[0]) if words else None
    stage = Status.parse(words[1]) if len(words) > 1 else None
    if audience is None or len(words) > 2 or (len(words) == 2 and stage is None):
        inv.reply(deps.renderer.label("wrapup_usage.comms"))
        return
    incident = deps.services.incident_in_channel(inv.channel_id)
    form = comms_form(deps, incident.id, audience, stage, inv.channel_id)
    inv.open_modal(lambda: form)


def postmortem_command(inv: Invocation) -> None:
    deps = inv.deps
    incident = deps.services.incident_in_channel(inv.channel_id)
    inv.reply(deps.renderer.label("wrapup_usage.postmortem_posting", incident=incident.label))
    inv.later(partial(post_postmortem, deps, incident.id))


def open_five_whys(inv: Invocation) -> None:
    deps = inv.deps
    incident = deps.services.incident_in_channel(inv.channel_id)
    current = analysis.current_five_whys(deps.services, incident.id)
    inv.open_modal(partial(blocks.five_whys_modal, deps.renderer, incident.id, current))


def open_factor(inv: Invocation) -> None:
    incident = inv.deps.services.incident_in_channel(inv.channel_id)
    inv.open_modal(partial(blocks.factor_modal, inv.deps.renderer, incident.id))


def open_went_well(inv: Invocation) -> None:
    incident = inv.deps.services.incident_in_channel(inv.channel_id)
    inv.open_modal(partial(blocks.went_well_modal, inv.deps.renderer, incident.id))


def action_command(inv: Invocation) -> None:
    """With text: parse and add it. Without: open the form."""
    deps = inv.deps
    label = deps.renderer.label
    incident = deps.services.incident_in_channel(inv.channel_id)
    if not inv.args.strip():
        today = deps.services.clock.now().date()
        inv.open_modal(partial(blocks.action_modal, deps.renderer, incident.id, inv.channel_id, today))
        return
    text = owner_completed(inv, readable_keeping_people(inv.args), label("usage.action_example"))
    if text is None:
        return
    draft = action_items.parse(deps.services, text)
    action_items.check_owner(deps.services, draft.owner_id)
    command = action_items.AddActionItem(
        user_id=inv.user_id, channel_id=inv.channel_id, incident_id=incident.id, draft=draft
    )
    row = commands.submit(deps.services, command)
    assert row is not None, "a command names no delivery, so it is never a repeat"
    inv.later(partial(_add_and_check, inv, row, incident.id))


def list_actions(inv: Invocation) -> None:
    deps = inv.deps
    incident = deps.services.incident_in_channel(inv.channel_id)
    items = action_items.items(deps.services, incident.id)
    view = deps.services.view_of(incident.id)
    text, shown = blocks.action_list(view, items, deps.renderer, deps.services.clock.now().date())
    inv.later(partial(deps.workspace.ephemeral, inv.channel_id, inv.user_id, text, shown))


def stats_command(inv: Invocation) -> None:
    """In an incident channel: that incident. Anywhere else: the last 30 days."""
    deps = inv.deps
    try:
        incident = deps.services.incident_in_channel(inv.channel_id)
    except NotAnIncidentChannel:
        period = metrics.period_metrics(deps.services, inv.team_id, inv.user_id)
        days = metrics.STATS_PERIOD.days
        inv.reply(deps.renderer.render("wrap_up/stats/period.j2", period=period, days=days))
        return
    _, measured = metrics.incident_metrics(deps.services, incident.id)
    view = deps.services.view_of(incident.id)
    inv.reply(deps.renderer.render("wrap_up/stats/incident.j2", metrics=measured, **incident_context(view)))


def _add_and_check(inv: Invocation, row: Reminder, incident_id: int) -> None:
    """Apply the journalled item, then tell its author what the checker finds in it."""
    item = commands.apply_submitted(inv.deps.services, row, action_items.ADD)
    if item is not None:
        typed = [Added(item.text), Added(item.success_metric)]
        tell_findings(inv.deps, inv.channel_id, inv.user_id, incident_id, typed, "action")
