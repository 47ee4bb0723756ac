"""Modal submissions: validate inline, journal, acknowledge, then record and do the slow Slack work."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.alerts import declare as from_alert
from incidentbot.alerts.sql_handlers import DECLARE_FROM_ALERT
from incidentbot.checker.slack_findings import tell_declared
from incidentbot.declare import service as declare
from incidentbot.declare.slack_ids import PRIVATE_OPTION, DeclareBlock, DeclareCallback
from incidentbot.incident.models import Incident, Role, Severity
from incidentbot.incident.validation import impact_problem, title_problem
from incidentbot.kernel import commands
from incidentbot.kernel.commands import CommandHandler
from incidentbot.kernel.errors import BotUser, SlackUnavailable, UnknownUser
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.roles import service as roles
from incidentbot.roles.slack_ids import RoleBlock, RoleCallback
from incidentbot.slack import once, parse
from incidentbot.slack.listeners.deps import Deps

ROLE_BLOCKS = {
    RoleBlock.COMMANDER: Role.COMMANDER,
    RoleBlock.COMMS: Role.COMMS,
    RoleBlock.SCRIBE: Role.SCRIBE,
}


def _submitter(body: dict[str, Any]) -> tuple[str | None, str]:
    return parse.metadata(body.get("view") or {}).get("channel"), str(body["user"]["id"])


def _delivery(body: dict[str, Any]) -> str:
    """Claimed with the journal row (`once.VIEWS_CLAIMED_WITH_THEIR_RECORD`): a repeat is not applied."""
    key = once.delivery_key(body)
    if key is None:
        raise ValueError("a view submission without a view id")
    return key


def register(app: App, deps: Deps) -> None:
    def on_declare(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = _declare_errors(deps, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        user = str(body["user"]["id"])
        declaration = declare.Declaration(
            team_id=str((body.get("team") or {}).get("id") or body.get("user", {}).get("team_id") or ""),
            title=parse.text_value(view, DeclareBlock.TITLE),
            severity=Severity(int(parse.selected_value(view, DeclareBlock.SEVERITY) or 0)),
            impact=parse.text_value(view, DeclareBlock.IMPACT),
            declared_by=user,
            is_private=PRIVATE_OPTION in parse.checked_values(view, DeclareBlock.OPTIONS),
            commander=parse.selected_user(view, RoleBlock.COMMANDER),
            comms=parse.selected_user(view, RoleBlock.COMMS),
            scribe=parse.selected_user(view, RoleBlock.SCRIBE),
        )
        alert_group = parse.metadata(view).get("alert_group")
        handler: CommandHandler[Any, Incident] = declare.DECLARE
        if isinstance(alert_group, int):
            declaration = from_alert.DeclareFromAlert(**declaration.model_dump(), group_id=alert_group)
            handler = DECLARE_FROM_ALERT
        request = commands.submit(deps.services, declaration, _delivery(body))
        ack()
        if request is not None:
            deps.later(*_submitter(body), partial(_record_and_set_up, deps, request, handler))

    def on_assign_roles(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = _people_errors(deps, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        form = roles.AssignChosenRoles(
            incident_id=int(parse.metadata(view).get("incident_id", 0)),
            user_id=str(body["user"]["id"]),
            chosen={role: parse.selected_user(view, block) for block, role in ROLE_BLOCKS.items()},
        )
        request = commands.submit(deps.services, form, _delivery(body))
        ack()
        if request is not None:
            work = partial(commands.apply_submitted, deps.services, request, roles.ASSIGN_CHOSEN)
            deps.later(*_submitter(body), work)

    app.view(DeclareCallback.DECLARE.value)(on_declare)
    app.view(RoleCallback.ASSIGN_ROLES.value)(on_assign_roles)


def _record_and_set_up(
    deps: Deps, request: Reminder, handler: CommandHandler[Any, Incident] = declare.DECLARE
) -> None:
    # Applying it owes the channel's setup, which is then built here, in this thread.
    incident = commands.apply_submitted(deps.services, request, handler)
    if incident is not None:
        tell_declared(deps, incident)


def _declare_errors(deps: Deps, view: dict[str, Any]) -> dict[str, str]:
    label = deps.renderer.label
    errors: dict[str, str] = {}
    if problem := title_problem(parse.text_value(view, DeclareBlock.TITLE)):
        errors[DeclareBlock.TITLE] = label(f"invalid.{problem}")
    severity = parse.selected_value(view, DeclareBlock.SEVERITY)
    if severity is None or Severity.parse(severity) is None:
        errors[DeclareBlock.SEVERITY] = label("invalid.severity_missing")
    if problem := impact_problem(parse.text_value(view, DeclareBlock.IMPACT)):
        errors[DeclareBlock.IMPACT] = label(f"invalid.{problem}")
    errors.update(_people_errors(deps, view))
    return errors


def _people_errors(deps: Deps, view: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for block in ROLE_BLOCKS:
        user = parse.selected_user(view, block)
        if user is None:
            continue
        try:
            roles.check_assignable(deps.services, user)
        except UnknownUser:
            errors[block] = deps.renderer.label("invalid.user_unknown")
        except BotUser:
            errors[block] = deps.renderer.label("invalid.user_bot")
        except SlackUnavailable:
            errors[block] = deps.renderer.label("invalid.user_unchecked")
    return errors
