"""The triage message's buttons: Declare incident (the declare form, prefilled from the alert),
Dismiss (with a reason) and Attach to incident… (pick an open one)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement

from incidentbot.alerts import triage
from incidentbot.alerts.severity import severity_of
from incidentbot.alerts.slack_ids import AlertAction, AlertCallback
from incidentbot.alerts.sql_alerts import SqlAlerts
from incidentbot.alerts.sql_handlers import ATTACH_ALERTS, DISMISS_ALERTS
from incidentbot.declare.slack_blocks import declare_modal
from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel import commands
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.slack import once, parse
from incidentbot.slack.blocks.common import modal
from incidentbot.slack.ids import VALUE
from incidentbot.slack.listeners.actions import action_value, actor, open_modal_for
from incidentbot.slack.listeners.deps import Deps

DISMISS_FORM = AlertCallback.DISMISS_ALERTS.value
ATTACH_FORM = AlertCallback.ATTACH_ALERTS.value
REASON = "reason"
INCIDENT = "incident"
SELECT_OPTIONS_MAX = 100
"""Slack's limit on a static select's options: the most recently declared open incidents are offered."""
OPTION_TEXT_MAX = 75


def register(app: App, deps: Deps) -> None:
    def on_declare(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal_for(deps, body, partial(_declare_form, deps, _group_id(body), *actor(body)))

    def on_dismiss(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal_for(deps, body, partial(_dismiss_form, deps, _group_id(body), actor(body)[0]))

    def on_attach(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal_for(deps, body, partial(_attach_form, deps, body, _group_id(body), actor(body)[0]))

    def on_dismiss_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reason = parse.text_value(view, REASON)
        if not reason:
            ack(response_action="errors", errors={REASON: deps.renderer.label("alerts.reason_missing")})
            return
        command = triage.DismissAlerts(
            user_id=str(body["user"]["id"]),
            channel_id=_submitter(body)[0],
            group_id=_metadata_group(view),
            reason=reason[: triage.REASON_MAX],
        )
        _submit(deps, ack, body, command, DISMISS_ALERTS)

    def on_attach_form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        chosen = parse.selected_value(view, INCIDENT)
        if chosen is None or not chosen.isdigit():
            ack(response_action="errors", errors={INCIDENT: deps.renderer.label("alerts.incident_missing")})
            return
        command = triage.AttachAlerts(
            user_id=str(body["user"]["id"]),
            channel_id=_submitter(body)[0],
            group_id=_metadata_group(view),
            incident_id=int(chosen),
        )
        _submit(deps, ack, body, command, ATTACH_ALERTS)

    app.action(AlertAction.DECLARE.value)(on_declare)
    app.action(AlertAction.DISMISS.value)(on_dismiss)
    app.action(AlertAction.ATTACH.value)(on_attach)
    app.view(DISMISS_FORM)(on_dismiss_form)
    app.view(ATTACH_FORM)(on_attach_form)


def _submit(
    deps: Deps, ack: Ack, body: dict[str, Any], command: Command, handler: CommandHandler[Any, Any]
) -> None:
    """Journal the decision with the form's delivery (a resent form is recorded once), then apply it."""
    row = commands.submit(deps.services, command, delivery=once.delivery_key(body))
    ack()
    if row is not None:
        deps.later(*_submitter(body), partial(commands.apply_submitted, deps.services, row, handler))


def _declare_form(deps: Deps, group_id: int, channel: str | None, user: str) -> dict[str, Any]:
    with deps.services.store.transaction() as tx:
        group = SqlAlerts(tx).group(group_id)
    if group is None:
        raise ValueError(f"alert group {group_id} does not exist")
    return declare_modal(
        deps.renderer,
        deps.services.policy,
        title=group.title,
        declarer=user,
        origin_channel=channel or group.channel_id,
        severity=severity_of(group.labels) or Severity.SEV2,
        impact=group.summary,
        alert_group=group.id,
    )


def _group_id(body: dict[str, Any]) -> int:
    value = action_value(body)
    return int(value) if value.isdigit() else 0


def _metadata_group(view: dict[str, Any]) -> int:
    group = parse.metadata(view).get("group_id")
    return group if isinstance(group, int) else 0


def _submitter(body: dict[str, Any]) -> tuple[str | None, str]:
    channel = parse.metadata(body.get("view") or {}).get("channel")
    return (channel if isinstance(channel, str) else None), str(body["user"]["id"])


def _dismiss_form(deps: Deps, group_id: int, channel: str | None) -> dict[str, Any]:
    label = deps.renderer.label
    reason = InputBlock(
        block_id=REASON,
        label=label("alerts.reason_label"),
        hint=label("alerts.reason_hint"),
        element=PlainTextInputElement(action_id=VALUE, max_length=triage.REASON_MAX, multiline=False),
    )
    return modal(
        deps.renderer, DISMISS_FORM, "alerts_dismiss", [reason], {"group_id": group_id, "channel": channel}
    )


def _attach_form(deps: Deps, body: dict[str, Any], group_id: int, channel: str | None) -> dict[str, Any]:
    team_id = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    with deps.services.store.transaction() as tx:
        incidents = tx.open_incidents(team_id)
    label = deps.renderer.label
    metadata = {"group_id": group_id, "channel": channel}
    if not incidents:
        nothing = [_note(deps.renderer.render("alerts/no_open_incident.j2"))]
        view = modal(deps.renderer, ATTACH_FORM, "alerts_attach", nothing, metadata)
        view.pop("submit")  # nothing to choose: the form only says so
        return view
    choice = InputBlock(
        block_id=INCIDENT,
        label=label("alerts.incident_label"),
        element=StaticSelectElement(action_id=VALUE, options=[_option(i) for i in _latest(incidents)]),
    )
    return modal(deps.renderer, ATTACH_FORM, "alerts_attach", [choice], metadata)


def _latest(incidents: list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda incident: incident.number, reverse=True)[:SELECT_OPTIONS_MAX]


def _option(incident: Incident) -> Option:
    # Plain text: Slack shows it as typed, so a title cannot ping.
    text = f"{incident.label} {incident.title}"
    return Option(value=str(incident.id), text=text if len(text) <= OPTION_TEXT_MAX else text[:74] + "…")


def _note(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
