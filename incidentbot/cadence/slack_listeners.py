"""`/incident update`, the "Post update" and snooze buttons, and the update form's submission."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.cadence import slack_blocks as update_blocks
from incidentbot.cadence import updates
from incidentbot.cadence.post_update import POST_UPDATE, PostUpdate
from incidentbot.cadence.slack_ids import FAR_CONFIRMED_OPTION, CadenceAction, CadenceBlock, CadenceCallback
from incidentbot.cadence.snooze import SNOOZE, SnoozeNextUpdate
from incidentbot.cadence.update_rules import UpdateDraft, chosen_next_update, parse_preset
from incidentbot.checker import Audience
from incidentbot.checker.checked_records import Added
from incidentbot.checker.slack_findings import tell_findings
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel import commands
from incidentbot.kernel.errors import IncidentClosed
from incidentbot.slack import parse
from incidentbot.slack.listeners.actions import action_value, actor, incident_id_from, open_modal_for
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand
from incidentbot.slack.once import delivery_key

FIELD_BLOCKS = {
    updates.Field.STATUS: CadenceBlock.STATUS,
    updates.Field.SEVERITY: CadenceBlock.SEVERITY,
    updates.Field.THEORY: CadenceBlock.THEORY,
    updates.Field.NEXT_PRESET: CadenceBlock.NEXT_PRESET,
    updates.Field.NEXT_AT: CadenceBlock.NEXT_AT,
    updates.Field.NEXT_FAR: CadenceBlock.NEXT_FAR,
}


def register(app: App, deps: Deps, router: Router) -> None:
    router.declare(Subcommand(("update",), open_from_command, "cadence/help.toml", Group.RESPOND))

    def on_open_update(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id = incident_id_from(action_value(body))
        open_modal_for(deps, body, partial(update_modal, deps, incident_id))

    def on_snooze(ack: Ack, body: dict[str, Any]) -> None:
        commitment_id, _, minutes = action_value(body).partition(":")
        if not (commitment_id.isdigit() and minutes.isdigit()):
            ack()
            return
        if int(minutes) not in deps.services.policy.snooze_choices_minutes:
            ack()
            return
        user = str(body["user"]["id"])
        nag_channel, nag_ts = _nag_message(body)
        asked = SnoozeNextUpdate(
            user_id=user,
            channel_id=actor(body)[0],
            commitment_id=int(commitment_id),
            minutes=int(minutes),
            nag_channel=nag_channel,
            nag_ts=nag_ts,
        )
        # Journalled with the claim on this very click, so a click delivered twice snoozes once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(*actor(body), partial(commands.apply_submitted, deps.services, row, SNOOZE))

    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        incident_id = int(parse.metadata(view).get("incident_id") or 0)
        user = str(body["user"]["id"])
        exact = parse.selected_datetime(view, CadenceBlock.NEXT_AT)
        draft = read_draft(deps, view)
        far_confirmed = FAR_CONFIRMED_OPTION in parse.checked_values(view, CadenceBlock.NEXT_FAR)
        found = updates.problems(
            deps.services,
            incident_id,
            user,
            draft,
            exact_given=exact is not None,
            far_confirmed=far_confirmed,
        )
        if found:
            ack(response_action="errors", errors=_errors(deps, found, incident_id))
            return
        channel, _ = _submitter(body)
        asked = PostUpdate(user_id=user, channel_id=channel, incident_id=incident_id, draft=draft)
        # Journalled with the claim on this very form, so a resent one is recorded once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(channel, user, partial(commands.apply_submitted, deps.services, row, POST_UPDATE))
            typed = update_texts(deps, draft)
            deps.later(
                channel, user, partial(tell_findings, deps, channel, user, incident_id, typed, "update")
            )

    app.action(CadenceAction.OPEN_UPDATE.value)(on_open_update)
    app.action(re.compile(rf"^{CadenceAction.SNOOZE}:"))(on_snooze)
    app.view(CadenceCallback.POST_UPDATE.value)(on_submit)


def open_from_command(inv: Invocation) -> None:
    incident = inv.deps.services.incident_in_channel(inv.channel_id)
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    inv.open_modal(partial(update_modal, inv.deps, incident.id))


def update_modal(deps: Deps, incident_id: int) -> dict[str, Any]:
    view = deps.services.view_of(incident_id)
    if not view.incident.is_open:
        raise IncidentClosed(view.incident.label)
    return update_blocks.update_modal(deps.renderer, view, updates.previous(deps.services, incident_id))


def read_draft(deps: Deps, view: dict[str, Any]) -> UpdateDraft:
    now = deps.services.clock.now()
    preset = parse_preset(parse.selected_value(view, CadenceBlock.NEXT_PRESET))
    status = Status.parse(parse.selected_value(view, CadenceBlock.STATUS) or "")
    severity = Severity.parse(parse.selected_value(view, CadenceBlock.SEVERITY) or "")
    current = deps.services.view_of(int(parse.metadata(view).get("incident_id") or 0)).incident
    return UpdateDraft(
        status=status or current.status,
        severity=severity or current.severity,
        theory=parse.text_value(view, CadenceBlock.THEORY),
        tried=parse.text_value(view, CadenceBlock.TRIED),
        doing=parse.text_value(view, CadenceBlock.DOING),
        impact=parse.text_value(view, CadenceBlock.IMPACT),
        customer_text=parse.text_value(view, CadenceBlock.CUSTOMER_TEXT),
        next_update_at=chosen_next_update(preset, parse.selected_datetime(view, CadenceBlock.NEXT_AT), now),
    )


def update_texts(deps: Deps, draft: UpdateDraft) -> list[Added]:
    """What the update says to the responders, and the wording it suggests for customers."""
    label = deps.renderer.label
    internal = [
        (label("update.theory_label"), draft.theory),
        (label("update.tried_label"), draft.tried),
        (label("update.doing_label"), draft.doing),
        (label("update.impact_label"), draft.impact),
    ]
    going_on = draft.status is not Status.RESOLVED
    return [Added(text, Audience.INTERNAL, field) for field, text in internal] + [
        Added(draft.customer_text, Audience.CUSTOMER, label("update.customer_label"), in_progress=going_on)
    ]


def _errors(deps: Deps, found: dict[updates.Field, str], incident_id: int) -> dict[str, str]:
    return {FIELD_BLOCKS[field]: _problem_text(deps, key, incident_id) for field, key in found.items()}


def _problem_text(deps: Deps, key: str, incident_id: int) -> str:
    if key == "only_commander_resolves":
        commander = deps.services.view_of(incident_id).roster.commander
        return deps.only_commander_resolves("update_invalid", commander)
    return deps.renderer.label(f"update_invalid.{key}")


def _submitter(body: dict[str, Any]) -> tuple[str | None, str]:
    return parse.metadata(body.get("view") or {}).get("channel"), str(body["user"]["id"])


def _nag_message(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The nag DM the snooze button was on: the snooze's outbox message edits it."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel), str(ts)) if channel and ts else (None, None)
