"""`/incident handoff @person <note>`: parsed and journalled before the ack, applied just after."""

from __future__ import annotations

import hashlib
import re
from functools import partial
from typing import TYPE_CHECKING

from slack_bolt import App

from incidentbot.checker import Audience, checking
from incidentbot.handoff.commands import HAND_OFF, HandOff, note_problem
from incidentbot.kernel import commands
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Group, Subcommand
from incidentbot.slack.listeners.people_args import mentioned, person_named
from incidentbot.timeline.slack_message_text import readable

if TYPE_CHECKING:
    from incidentbot.slack.listeners.invocation import Invocation, Router

NAMES = ("handoff", "handover")
# The person first (a completed mention, whose label may hold spaces, or one typed word), then the note.
_PERSON_THEN_NOTE = re.compile(r"\s*(<@[^>]*>|\S+)\s*(.*)", re.DOTALL)
_DELIVERY_MAX = 64
"""The width of `processed_events.event_id`, where the delivery's name is claimed."""


def register(app: App, deps: Deps, router: Router) -> None:
    router.declare(Subcommand(NAMES, hand_off, "handoff/help.toml", Group.RESPOND))


def hand_off(inv: Invocation) -> None:
    """Check what was typed, journal the hand-over before the ack (once per delivery), apply it after.

    Membership needs no check here: Slack runs a command in a private channel only for its members.
    """
    deps = inv.deps
    parts = _PERSON_THEN_NOTE.fullmatch(inv.args)
    if parts is None:
        inv.reply(deps.renderer.render("handoff/usage.j2"))
        return
    who, escaped_note = parts[1], parts[2]
    # Slack sends the words escaped, mentions as tokens: everyone reads the note as it was typed.
    note = readable(escaped_note, deps.workspace.name_of).strip()
    problem = note_problem(note)
    if problem is not None:
        template = f"handoff/note_{problem.value}.j2"
        inv.reply(
            deps.renderer.render(template, person=mentioned(who), typed=readable(who, str), length=len(note))
        )
        return
    new_commander = person_named(inv, who, deps.renderer.render("handoff/example.j2"))
    if new_commander is None:
        return
    if new_commander == inv.user_id:
        inv.reply(deps.renderer.render("handoff/to_yourself.j2"))
        return
    asked = HandOff(user_id=inv.user_id, channel_id=inv.channel_id, new_commander=new_commander, note=note)
    row = commands.submit(deps.services, asked, delivery=_delivery(inv))
    if row is None:
        inv.acknowledge()  # the same request delivered again: the first one is applied
        return
    inv.later(partial(_confirm, inv, row))


def _confirm(inv: Invocation, row: Reminder) -> None:
    deps = inv.deps
    done = commands.apply_submitted(deps.services, row, HAND_OFF)
    if done is None:
        return
    config = checking.for_incident(deps.services, done.incident.id, deps.team.checker.checker_config())
    findings = checking.findings(done.note.text, Audience.INTERNAL, in_progress=False, config=config)
    inv.tell(deps.renderer.render("handoff/confirmed.j2", done=done, findings=findings))


def _delivery(inv: Invocation) -> str | None:
    """The name of this slash command's delivery: its trigger id, unique to each invocation."""
    trigger = str(inv.body.get("trigger_id") or "")
    if not trigger:
        return None
    name = f"command:{trigger}"
    if len(name) <= _DELIVERY_MAX:
        return name
    return f"command:{hashlib.sha256(trigger.encode()).hexdigest()[: _DELIVERY_MAX - 8]}"
