"""Lowering a SEV-1 or SEV-2 while holding no role: an ephemeral question first, applied on confirm.

`/incident severity 3` from such a person is answered with the question and two buttons instead of
being recorded. **Lower** journals the change, marked confirmed, and applies it like any other;
**Keep** changes nothing. Either is journalled before the ack and owes the question's removal
through the outbox (`QUESTION_ANSWERED`), so a process killed after the answer still removes
it, once. The rule is `[policy.permissions] confirm_severity_lowering_without_role`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from incidentbot.changes import commands as changes
from incidentbot.changes.slack_ids import ChangeAction
from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.slack.blocks.common import actions, button, fallback, sections
from incidentbot.slack.listeners.actions import action_value, actor
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.once import delivery_key

log = logging.getLogger(__name__)
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
"""How long Slack takes messages at a response_url; the question stays after that, harmlessly."""


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
        button(lower, ChangeAction.CONFIRM_LOWERING, str(severity.value), style="danger"),
        button(keep, ChangeAction.KEEP_SEVERITY, str(incident.severity.value)),
    )
    return fallback(text), [*sections(text), buttons]


def register(app: App, deps: Deps) -> None:
    services = deps.services

    def on_confirm(ack: Ack, body: dict[str, Any]) -> None:
        severity = Severity.parse(action_value(body))
        channel, user = actor(body)
        if severity is None or channel is None:
            ack()
            return  # not a value this bot put on the button
        asked = changes.ChangeIncident(
            channel_id=channel,
            user_id=user,
            severity=severity,
            confirmed=True,
            question_url=_question_url(body),
        )
        row = commands.submit(services, asked)
        ack()
        if row is not None:
            deps.later(channel, user, lambda: commands.apply_submitted(services, row, changes.CHANGE))

    def on_keep(ack: Ack, body: dict[str, Any]) -> None:
        channel, user = actor(body)
        url = _question_url(body)
        if channel is None or url is None:
            ack()
            return  # no question this bot asked
        asked = changes.KeepSeverity(user_id=user, channel_id=channel, question_url=url)
        row = commands.submit(services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(channel, user, lambda: commands.apply_submitted(services, row, changes.KEEP_SEVERITY))

    app.action(ChangeAction.CONFIRM_LOWERING.value)(on_confirm)
    app.action(ChangeAction.KEEP_SEVERITY.value)(on_keep)


def _question_url(body: dict[str, Any]) -> str | None:
    url = body.get("response_url")
    return url if isinstance(url, str) and url else None


def deliver_question_removal(services: Services, row: Reminder) -> None:
    """Remove the answered question (an ephemeral, reached only through its response_url)."""
    if not row.payload:
        raise ReminderObsolete("no question to remove")
    if services.clock.now() - row.due_at > RESPONSE_URL_LIFETIME:
        raise ReminderObsolete("the question's response_url has expired")
    try:
        sent = WebhookClient(row.payload, timeout=10).send(delete_original=True)
    except (SlackClientError, OSError) as error:
        raise SlackUnavailable(f"response_url: {type(error).__name__}") from error
    if sent.status_code >= 500 or sent.status_code == 429:
        raise SlackUnavailable(f"response_url: HTTP {sent.status_code}")
    if sent.status_code >= 400:
        log.info("lowering question not removed: HTTP %s", sent.status_code)
