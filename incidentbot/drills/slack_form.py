"""The drill form: who takes part, who holds which role, and how fast the scenario runs."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    NumberInputElement,
    SectionBlock,
    UserMultiSelectElement,
    UserSelectElement,
)

from incidentbot.drills.run import MAX_PARTICIPANTS, MAX_SCALE
from incidentbot.drills.scenario import Scenario, format_duration
from incidentbot.drills.slack_ids import DrillCallback
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import modal
from incidentbot.slack.ids import VALUE

PARTICIPANTS = "drill_participants"
COMMANDER = "drill_commander"
COMMS = "drill_comms"
SCRIBE = "drill_scribe"
SCALE = "drill_scale"
ROLE_BLOCKS = (COMMANDER, COMMS, SCRIBE)


def drill_modal(renderer: Renderer, scenario: Scenario, channel_id: str, facilitator: str) -> dict[str, Any]:
    label = renderer.label
    about = renderer.render(
        "drills/form_intro.j2", scenario=scenario, length=format_duration(scenario.length)
    )
    blocks = [
        SectionBlock(text={"type": "mrkdwn", "text": about}),
        InputBlock(
            block_id=PARTICIPANTS,
            label=label("drills.participants_label"),
            hint=label("drills.participants_hint"),
            optional=True,
            element=UserMultiSelectElement(action_id=VALUE, max_selected_items=MAX_PARTICIPANTS),
        ),
        _user(COMMANDER, label("drills.commander_label"), facilitator),
        _user(COMMS, label("drills.comms_label"), None),
        _user(SCRIBE, label("drills.scribe_label"), None),
        InputBlock(
            block_id=SCALE,
            label=label("drills.scale_label"),
            hint=label("drills.scale_hint", max=MAX_SCALE),
            element=NumberInputElement(
                action_id=VALUE, is_decimal_allowed=False, min_value=1, max_value=MAX_SCALE, initial_value=1
            ),
        ),
    ]
    metadata = {"scenario": scenario.name, "channel": channel_id}
    return modal(renderer, DrillCallback.START, "drills", blocks, metadata)


def _user(block: str, text: str, initial: str | None) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=text,
        optional=True,
        element=UserSelectElement(action_id=VALUE, initial_user=initial),
    )


def selected_users(view: dict[str, Any], block_id: str) -> tuple[str, ...]:
    values = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = values.get(VALUE) if isinstance(values, dict) else None
    users = element.get("selected_users") if isinstance(element, dict) else None
    if not isinstance(users, list):
        return ()
    return tuple(dict.fromkeys(user for user in users if isinstance(user, str) and user))
