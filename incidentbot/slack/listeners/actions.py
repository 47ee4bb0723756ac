"""Buttons: assign roles, take an unfilled role, retry a failed setup."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.declare import slack_blocks as modals
from incidentbot.declare.retry import RETRY_SETUP, RetrySetup
from incidentbot.declare.slack_ids import DeclareAction
from incidentbot.incident.models import Role
from incidentbot.kernel import commands
from incidentbot.roles import authority
from incidentbot.roles.slack_ids import RoleAction
from incidentbot.roles.take_role import TAKE_ROLE, TakeRole
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.once import delivery_key


def actor(body: dict[str, Any]) -> tuple[str | None, str]:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return channel, str(body["user"]["id"])


def open_modal_for(deps: Deps, body: dict[str, Any], build: Callable[[], dict[str, Any]]) -> None:
    """After the ack, open the modal `build` returns for the person who clicked."""
    deps.open_modal(str(body.get("trigger_id", "")), build, *actor(body))


def action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def incident_id_from(value: str) -> int:
    head = value.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def register(app: App, deps: Deps) -> None:
    def on_open_assign_roles(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id = incident_id_from(action_value(body))

        def build() -> dict[str, Any]:
            view = deps.services.view_of(incident_id)
            authority.require_member(deps.services, view.incident, str(body["user"]["id"]))
            return modals.roles_modal(deps.renderer, deps.services.policy, view.roster, incident_id)

        open_modal_for(deps, body, build)

    def on_take_role(ack: Ack, body: dict[str, Any]) -> None:
        value = action_value(body)
        role = Role.parse(value.split(":", 1)[-1])
        if role is None:
            ack()
            return
        user = str(body["user"]["id"])
        asked = TakeRole(
            user_id=user, channel_id=actor(body)[0], incident_id=incident_id_from(value), role=role
        )
        # Journalled with the claim on this very click, so a click delivered twice is applied once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(*actor(body), partial(commands.apply_submitted, deps.services, row, TAKE_ROLE))

    def on_retry_setup(ack: Ack, body: dict[str, Any]) -> None:
        channel, user = actor(body)
        asked = RetrySetup(user_id=user, channel_id=channel, incident_id=incident_id_from(action_value(body)))
        # Journalled with the claim on this very click, so a click delivered twice is applied once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(channel, user, partial(commands.apply_submitted, deps.services, row, RETRY_SETUP))

    app.action(RoleAction.OPEN_ASSIGN_ROLES.value)(on_open_assign_roles)
    app.action(re.compile(rf"^{RoleAction.TAKE_ROLE}:"))(on_take_role)
    app.action(DeclareAction.RETRY_SETUP.value)(on_retry_setup)
