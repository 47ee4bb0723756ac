"""`/incident note …` and `/incident timeline [export]`."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from incidentbot.domain.journal import JournalKind
from incidentbot.domain.models import Incident
from incidentbot.domain.reminders import Reminder
from incidentbot.domain.timeline import NoteProblem, NoteRefused, parse_note
from incidentbot.rendering import Renderer
from incidentbot.services import journal, timeline
from incidentbot.services.checked_records import Added
from incidentbot.services.errors import SlackUnavailable
from incidentbot.slack.listeners.checked_records import tell_findings
from incidentbot.slack.listeners.timeline_show import export_to_channel, render_page
from incidentbot.slack.message_text import readable

if TYPE_CHECKING:
    from incidentbot.slack.listeners.commands import Invocation, Router


def install_timeline(router: Router, renderer: Renderer) -> None:
    router.add(("note",), add_note, renderer.label("timeline.help_note"))
    router.add(("timeline", "tl"), show_timeline, renderer.label("timeline.help_timeline"))
    router.help_lines.append(renderer.label("timeline.help_export"))


def add_note(inv: Invocation) -> None:
    """Journal the note before the ack, add it after (`services/journal.py`), then confirm."""
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
    note = timeline.NoteRequest(
        channel_id=inv.channel_id,
        user_id=inv.user_id,
        user_name=str(inv.body.get("user_name") or "") or None,
        words=words,
    )
    row = journal.accept(deps.services, JournalKind.NOTE, note)
    inv.later(partial(_confirm_note, inv, row, explicit=request.at is not None))


def _confirm_note(inv: Invocation, row: Reminder, *, explicit: bool) -> None:
    added = journal.apply_now(inv.deps.services, row, timeline.apply_note)
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
