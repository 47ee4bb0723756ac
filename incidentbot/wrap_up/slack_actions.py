"""Buttons: resolve, start or regenerate the postmortem, open the analysis and comms forms,
and mark action items done or open again."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from incidentbot.kernel import commands
from incidentbot.slack.listeners.actions import action_value, actor, incident_id_from, open_modal_for
from incidentbot.slack.listeners.deps import Deps
from incidentbot.wrap_up import action_items, analysis, resolve
from incidentbot.wrap_up import slack_blocks_resolution as blocks
from incidentbot.wrap_up.action_item_rules import ActionState
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.slack_common import comms_form, delivery, post_postmortem
from incidentbot.wrap_up.slack_ids import WrapUpAction

Listener = Callable[..., None]


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def register(app: App, deps: Deps) -> None:
    for action, listener in (
        (WrapUpAction.OPEN_RESOLVE, _open_resolve(deps)),
        (WrapUpAction.START_POSTMORTEM, _post_postmortem(deps)),
        (WrapUpAction.REGENERATE_POSTMORTEM, _post_postmortem(deps)),
        (WrapUpAction.OPEN_FIVE_WHYS, _open_five_whys(deps)),
        (WrapUpAction.OPEN_FACTOR, _open_simple(deps, blocks.factor_modal)),
        (WrapUpAction.OPEN_WENT_WELL, _open_simple(deps, blocks.went_well_modal)),
        (WrapUpAction.OPEN_ACTION_ITEM, _open_action_item(deps)),
        (WrapUpAction.ACTION_DONE, _set_action_state(deps, ActionState.DONE)),
        (WrapUpAction.ACTION_REOPEN, _set_action_state(deps, ActionState.OPEN)),
    ):
        app.action(action.value)(listener)
    app.action(re.compile(rf"^{WrapUpAction.OPEN_COMMS}:"))(_open_comms(deps))


def _open_resolve(deps: Deps) -> Listener:
    def on_open_resolve(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id, user = incident_id_from(action_value(body)), _user(body)

        def build() -> dict[str, Any]:
            incident = resolve.check_resolvable(deps.services, incident_id, user)
            return blocks.resolve_modal(deps.renderer, incident.id, incident.channel_id or "")

        open_modal_for(deps, body, build)

    return on_open_resolve


def _post_postmortem(deps: Deps) -> Listener:
    def on_postmortem(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        deps.later(*actor(body), partial(post_postmortem, deps, incident_id_from(action_value(body))))

    return on_postmortem


def _open_five_whys(deps: Deps) -> Listener:
    def on_open_five_whys(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id = incident_id_from(action_value(body))

        def build() -> dict[str, Any]:
            current = analysis.current_five_whys(deps.services, incident_id)
            return blocks.five_whys_modal(deps.renderer, incident_id, current)

        open_modal_for(deps, body, build)

    return on_open_five_whys


def _open_simple(deps: Deps, build: Callable[..., dict[str, Any]]) -> Listener:
    def on_open(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id = incident_id_from(action_value(body))

        def build_form() -> dict[str, Any]:
            incident = deps.services.view_of(incident_id).incident
            return build(deps.renderer, incident.id)

        open_modal_for(deps, body, build_form)

    return on_open


def _open_action_item(deps: Deps) -> Listener:
    def on_open_action_item(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        incident_id = incident_id_from(action_value(body))

        def build() -> dict[str, Any]:
            incident = deps.services.view_of(incident_id).incident
            today = deps.services.clock.now().date()
            return blocks.action_modal(deps.renderer, incident.id, incident.channel_id or "", today)

        open_modal_for(deps, body, build)

    return on_open_action_item


def _open_comms(deps: Deps) -> Listener:
    def on_open_comms(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        value = action_value(body)
        audience = CommsAudience.parse(value.partition(":")[2]) or CommsAudience.CUSTOMER

        def build() -> dict[str, Any]:
            incident = deps.services.view_of(incident_id_from(value)).incident
            return comms_form(deps, incident.id, audience, None, incident.channel_id or "")

        open_modal_for(deps, body, build)

    return on_open_comms


def _set_action_state(deps: Deps, state: ActionState) -> Listener:
    def on_action_state(ack: Ack, body: dict[str, Any]) -> None:
        channel, user = actor(body)
        item_id = incident_id_from(action_value(body))
        command = action_items.SetActionState(user_id=user, channel_id=channel, item_id=item_id, state=state)
        row = commands.submit(deps.services, command, delivery(body))
        ack()
        if row is None:
            return  # a repeat of a click already taken

        def set_and_tell() -> None:
            item = commands.apply_submitted(deps.services, row, action_items.SET_STATE)
            if item is not None:
                deps.tell(channel, user, deps.renderer.render("wrap_up/actions/state.j2", item=item))

        deps.later(channel, user, set_and_tell)

    return on_action_state
