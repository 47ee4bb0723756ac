"""Modals for declaring an incident and assigning its roles."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)

from incidentbot.declare.slack_ids import PRIVATE_OPTION, DeclareBlock, DeclareCallback
from incidentbot.incident.models import Role, Roster, Severity
from incidentbot.incident.policy import Policy
from incidentbot.incident.validation import IMPACT_MAX, TITLE_MAX
from incidentbot.rendering import Renderer
from incidentbot.roles.slack_ids import RoleBlock, RoleCallback
from incidentbot.slack.blocks.common import modal
from incidentbot.slack.ids import VALUE


def severity_option(severity: Severity, policy: Policy) -> Option:
    text = f"{severity.label}: {policy.meaning(severity)}"
    return Option(value=str(int(severity)), label=text[:75])


def declare_modal(
    renderer: Renderer,
    policy: Policy,
    *,
    title: str,
    declarer: str,
    origin_channel: str,
    severity: Severity = Severity.SEV2,
    impact: str = "",
    alert_group: int | None = None,
) -> dict[str, Any]:
    """The form, prefilled with what is known (from an alert: title, severity, impact)."""
    label = renderer.label
    options = [severity_option(severity, policy) for severity in Severity]
    private = Option(value=PRIVATE_OPTION, label=label("declare.private_option"))
    blocks = [
        InputBlock(
            block_id=DeclareBlock.TITLE,
            label=label("declare.title_label"),
            hint=label("declare.title_hint"),
            element=PlainTextInputElement(
                action_id=VALUE,
                initial_value=title[:TITLE_MAX] or None,
                max_length=TITLE_MAX,
                placeholder=label("declare.title_placeholder"),
            ),
        ),
        InputBlock(
            block_id=DeclareBlock.SEVERITY,
            label=label("declare.severity_label"),
            element=StaticSelectElement(
                action_id=VALUE, options=options, initial_option=options[list(Severity).index(severity)]
            ),
        ),
        InputBlock(
            block_id=DeclareBlock.IMPACT,
            label=label("declare.impact_label"),
            hint=label("declare.impact_hint"),
            element=PlainTextInputElement(
                action_id=VALUE,
                initial_value=impact[:IMPACT_MAX] or None,
                max_length=IMPACT_MAX,
                placeholder=label("declare.impact_placeholder"),
            ),
        ),
        _user_input(
            RoleBlock.COMMANDER, label("declare.commander_label"), label("declare.commander_hint"), declarer
        ),
        _user_input(RoleBlock.COMMS, label("declare.comms_label"), label("declare.comms_hint"), None),
        _user_input(RoleBlock.SCRIBE, label("declare.scribe_label"), label("declare.scribe_hint"), None),
        InputBlock(
            block_id=DeclareBlock.OPTIONS,
            label=label("declare.options_label"),
            optional=True,
            element=CheckboxesElement(action_id=VALUE, options=[private]),
        ),
    ]
    metadata: dict[str, Any] = {"channel": origin_channel}
    if alert_group is not None:
        metadata["alert_group"] = alert_group
    return modal(renderer, DeclareCallback.DECLARE, "declare", blocks, metadata)


def roles_modal(renderer: Renderer, policy: Policy, roster: Roster, incident_id: int) -> dict[str, Any]:
    blocks = [
        _user_input(block, policy.role_name(role), None, roster.holder(role))
        for block, role in (
            (RoleBlock.COMMANDER, Role.COMMANDER),
            (RoleBlock.COMMS, Role.COMMS),
            (RoleBlock.SCRIBE, Role.SCRIBE),
        )
    ]
    return modal(renderer, RoleCallback.ASSIGN_ROLES, "roles", blocks, {"incident_id": incident_id})


def _user_input(block: RoleBlock, label: str, hint: str | None, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=label,
        hint=hint,
        optional=True,
        element=UserSelectElement(action_id=VALUE, initial_user=initial),
    )
