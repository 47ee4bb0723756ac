"""Lowering a SEV-1 or SEV-2 while holding no role: an ephemeral question first, applied on confirm.

`/incident severity 3` from such a person is answered with the question and two buttons instead of
being recorded. **Lower** journals the change, marked confirmed, and applies it like any other;
**Keep** changes nothing. Either removes the question. The rule is `[policy.permissions]
confirm_severity_lowering_without_role`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from incidentbot.changes import service as changes
from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel import journal
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.slack.blocks.common import actions, button, fallback, sections
from incidentbot.slack.ids import Action
from incidentbot.slack.listeners.actions import action_value, actor
from incidentbot.slack.listeners.deps import Deps


def confirmation(deps: Deps, incident: Incident, severity: Severity) -> tuple[str, list[dict[str, Any]]]:
    """The question's fallback text and blocks: what lowering changes, who may skip the question."""
    with deps.services.store.transaction() as tx:
        commander = tx.roster(incident.id).commander
    cadence = deps.services.policy.cadence(severity)
    text = deps.renderer.render(
        "changes/lowering_confirm.j2",
        incident=incident,
        severity=severity,
        cadence=int(cadence.total_seconds() // 60) if cadence else None,
        commander=commander,
    )
    lower = deps.renderer.label("buttons.confirm_lowering", severity=severity.label)
    keep = deps.renderer.label("buttons.keep_severity", severity=incident.severity.label)
    buttons = actions(
        button(lower, Action.CONFIRM_LOWERING, str(severity.value), style="danger"),
        button(keep, Action.KEEP_SEVERITY, str(incident.severity.value)),
    )
    return fallback(text), [*sections(text), buttons]


def register(app: App, deps: Deps) -> None:
    services = deps.services

    def on_confirm(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        severity = Severity.parse(action_value(body))
        channel, user = actor(body)
        if severity is None or channel is None:
            return  # not a value this bot put on the button
        asked = changes.ChangeRequest(channel_id=channel, user_id=user, severity=severity, confirmed=True)
        row = journal.accept(services, JournalKind.CHANGE, asked)

        def apply_then_remove_question() -> None:
            journal.apply_now(services, row, changes.apply_change)
            respond(delete_original=True)

        deps.later(channel, user, apply_then_remove_question)

    def on_keep(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        deps.later(*actor(body), lambda: respond(delete_original=True))

    app.action(Action.CONFIRM_LOWERING.value)(on_confirm)
    app.action(Action.KEEP_SEVERITY.value)(on_keep)
