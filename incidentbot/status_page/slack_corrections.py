"""Correcting a published text: `/incident statuspage correct` and its form.

A published text can be corrected, never removed: the page notes "updated at …", the text it
replaced is kept, and the timeline records who corrected it. The checker reads the new text
first, as it read the original; the correction is then the `CorrectPublishedText` command,
journalled before the ack (`corrections.py`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.checker import checking
from incidentbot.kernel import commands
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack import parse
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.listeners.invocation import Group, Invocation, Router, Subcommand
from incidentbot.slack.once import delivery_key
from incidentbot.status_page.corrections import CORRECT, CorrectPublishedText
from incidentbot.status_page.model import PublishedUpdate
from incidentbot.status_page.slack_ids import StatusPageCallback
from incidentbot.status_page.sql_store import sql_of
from incidentbot.wrap_up.comms_rules import COMMS_TEXT_MAX, CommsAudience, comms_text_problem
from incidentbot.wrap_up.slack_blocks_forms import digest, text_input, wrap_up_modal
from incidentbot.wrap_up.slack_common import checker_config, review_text

TEXT_BLOCK = "text"


def register(app: App, deps: Deps, router: Router) -> None:
    if deps.status_page is None:
        return
    words = "status_page/help.toml"
    router.declare(Subcommand(("statuspage", "status-page"), _command, words, Group.WRAP_UP))
    app.view(StatusPageCallback.CORRECTION.value)(_on_submit(deps))


def _command(inv: Invocation) -> None:
    deps = inv.deps
    if inv.args.strip().lower() != "correct":
        inv.reply(deps.renderer.label("status_page_correct.usage"))
        return
    incident = deps.services.incident_in_channel(inv.channel_id)
    latest = _latest(deps, incident.id)
    if latest is None:
        inv.reply(deps.renderer.label("status_page_correct.nothing_published"))
        return
    form = correction_modal(deps, incident.id, inv.channel_id, latest, latest.body)
    inv.open_modal(lambda: form)


def _latest(deps: Deps, incident_id: int) -> PublishedUpdate | None:
    with deps.services.store.transaction() as tx:
        public = sql_of(tx).public_incident(incident_id)
    return public.latest if public else None


def correction_modal(
    deps: Deps,
    incident_id: int,
    channel_id: str,
    update: PublishedUpdate,
    text: str,
    *,
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    label = deps.renderer.label
    block = text_input(
        TEXT_BLOCK,
        label("status_page_correct.text_label"),
        initial=text,
        max_length=COMMS_TEXT_MAX,
        hint=label("status_page_correct.text_hint"),
    )
    metadata = {"incident_id": incident_id, "channel": channel_id, "update": update.id, "reviewed": reviewed}
    return wrap_up_modal(
        deps.renderer, StatusPageCallback.CORRECTION, "status_page_correct", [block], metadata, review=review
    )


def _on_submit(deps: Deps) -> Any:
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = parse.metadata(view)
        incident_id = meta.get("incident_id") if isinstance(meta.get("incident_id"), int) else 0
        text = parse.text_value(view, TEXT_BLOCK)
        if problem := comms_text_problem(text):
            key = "text_empty" if problem == "comms_text_empty" else "text_too_long"
            ack(
                response_action="errors",
                errors={TEXT_BLOCK: deps.renderer.label(f"status_page_correct.{key}")},
            )
            return
        latest = _latest(deps, int(incident_id or 0))
        if latest is None or latest.id != meta.get("update"):
            ack(
                response_action="errors",
                errors={TEXT_BLOCK: deps.renderer.label("status_page_correct.newer")},
            )
            return
        config = checker_config(deps, latest.incident_id)
        found = checking.comms_findings(text, CommsAudience.CUSTOMER, latest.stage, config)
        if found and meta.get("reviewed") != digest([text]):
            review = review_text(deps, [(None, finding) for finding in found])
            form = correction_modal(
                deps,
                latest.incident_id,
                str(meta.get("channel", "")),
                latest,
                text,
                review=review,
                reviewed=digest([text]),
            )
            ack(response_action="update", view=form)
            return
        user = str(body["user"]["id"])
        channel = str(meta.get("channel") or "") or None
        asked = CorrectPublishedText(
            user_id=user, channel_id=channel, incident_id=latest.incident_id, update_id=latest.id, text=text
        )
        # Journalled with the claim on this very form, so a resent one is applied once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(channel, user, partial(_correct_and_tell, deps, row))

    return on_submit


def _correct_and_tell(deps: Deps, row: Reminder) -> None:
    corrected = commands.apply_submitted(deps.services, row, CORRECT)
    if corrected is None:
        return
    asked = CORRECT.read(row)
    time = corrected.updated_at.strftime("%H:%M UTC")
    deps.tell(
        asked.channel_id, asked.user_id, deps.renderer.label("status_page_correct.corrected", time=time)
    )
