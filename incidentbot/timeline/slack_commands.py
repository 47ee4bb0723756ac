"""`/incident note …` and `/incident timeline [export]`."""

from __future__ import annotations

from functools import partial

from incidentbot.checker.checked_records import Added
from incidentbot.checker.slack_findings import tell_findings
from incidentbot.incident.models import Incident
from incidentbot.kernel import commands
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand
from incidentbot.timeline import notes
from incidentbot.timeline.rules import NoteProblem, NoteRefused, parse_note
from incidentbot.timeline.slack_message_text import readable
from incidentbot.timeline.slack_show import export_to_channel, render_page

WORDS = "timeline/help.toml"


def install_timeline(router: Router) -> None:
    router.declare(
        Subcommand(("note",), add_note, WORDS, Group.RESPOND),
        Subcommand(("timeline", "tl"), show_timeline, WORDS, Group.RESPOND),
    )


def add_note(inv: Invocation) -> None:
    """Journal the note before the ack, add it after (`kernel/journal.py`), then confirm."""
    deps = inv.deps
    # Slack sends the words escaped, mentions as tokens: the timeline keeps what the person read.
    words = readable(inv.args, deps.workspace.name_of)
    request = parse_note(words)
    if isinstance(request, NoteRefused):
        if request.problem is NoteProblem.EMPTY:
            inv.reply(deps.renderer.label("timeline.usage_note"))
        else:
            inv.reply(deps.renderer.render("timeline/note_time_malformed.j2", given=request.given))
        return
    note = notes.AddNote(
        channel_id=inv.channel_id,
        user_id=inv.user_id,
        user_name=str(inv.body.get("user_name") or "") or None,
        words=words,
    )
    row = commands.submit(deps.services, note)
    assert row is not None, "a note names no delivery, so it is never a repeat"
    inv.later(partial(_confirm_note, inv, row, explicit=request.at is not None))


def _confirm_note(inv: Invocation, row: Reminder, *, explicit: bool) -> None:
    added = commands.apply_submitted(inv.deps.services, row, notes.ADD_NOTE)
    if added is None:
        return
    inv.tell(
        inv.deps.renderer.render(
            "timeline/note_added.j2",
            incident=added.incident,
            event=added.event,
            zone_name=added.zone_name,
            zone_from_slack=added.zone_from_slack,
            local_time=added.local_time,
            explicit=explicit,
        )
    )
    note = [Added(added.event.text)]
    tell_findings(inv.deps, inv.channel_id, inv.user_id, added.incident.id, note, "timeline")


def show_timeline(inv: Invocation) -> None:
    deps = inv.deps
    wanted = inv.args.strip().lower()
    if wanted not in {"", "export"}:
        inv.reply(deps.renderer.label("timeline.usage_timeline"))
        return
    incident = deps.services.incident_in_channel(inv.channel_id)
    if wanted == "export":
        inv.later(partial(export_to_channel, deps, incident))
    else:
        inv.later(partial(_show_page, inv, incident))


def _show_page(inv: Invocation, incident: Incident) -> None:
    deps = inv.deps
    text, blocks = render_page(deps, incident, inv.user_id, None)
    try:
        deps.workspace.ephemeral(inv.channel_id, inv.user_id, text, blocks)
    except SlackUnavailable:
        # Slack refuses ephemerals to people outside the channel (a public one can be read without
        # joining): send the same page by DM.
        deps.workspace.dm(inv.user_id, text, blocks)
