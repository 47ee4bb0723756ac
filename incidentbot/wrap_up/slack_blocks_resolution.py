"""Block Kit for resolving: the resolve form and the forms of the customer, stakeholder and
executive texts owed once an incident is resolved (the messages are in `slack_messages.py`).

The postmortem analysis forms live in `analysis`, the action items in `action_items`, what the
forms share (and their review) in `wrap_up_forms`; they are named here too, so the wrap-up
listeners reach every wrap-up block through one module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import DateTimePickerElement, InputBlock, NumberInputElement

from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import button, context
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.ids import VALUE
from incidentbot.wrap_up.comms_rules import COMMS_TEXT_MAX, CommsAudience
from incidentbot.wrap_up.resolution_rules import RESOLUTION_TEXT_MAX
from incidentbot.wrap_up.slack_blocks_action_items import action_list, action_modal
from incidentbot.wrap_up.slack_blocks_analysis import (
    factor_modal,
    five_whys_modal,
    went_well_modal,
    workbench,
)
from incidentbot.wrap_up.slack_blocks_forms import digest, text_input, wrap_up_modal
from incidentbot.wrap_up.slack_ids import WrapUpAction, WrapUpBlock, WrapUpCallback

__all__ = [
    "action_list",
    "action_modal",
    "comms_buttons",
    "comms_modal",
    "digest",
    "factor_modal",
    "five_whys_modal",
    "resolve_modal",
    "went_well_modal",
    "workbench",
]


def resolve_modal(
    renderer: Renderer,
    incident_id: int,
    channel_id: str,
    *,
    typed: Mapping[str, str] | None = None,
    started_at: int | None = None,
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    """The resolve form; under review, `typed` and `started_at` refill what was entered."""
    label = renderer.label
    typed = typed or {}
    blocks = [
        text_input(
            WrapUpBlock.FIX,
            label("resolve.fix_label"),
            initial=typed.get(WrapUpBlock.FIX, ""),
            max_length=RESOLUTION_TEXT_MAX,
            placeholder=label("resolve.fix_placeholder"),
        ),
        text_input(
            WrapUpBlock.CUSTOMER_IMPACT,
            label("resolve.customer_impact_label"),
            initial=typed.get(WrapUpBlock.CUSTOMER_IMPACT, ""),
            max_length=RESOLUTION_TEXT_MAX,
            hint=label("resolve.customer_impact_hint"),
            placeholder=label("resolve.customer_impact_placeholder"),
        ),
        InputBlock(
            block_id=WrapUpBlock.USERS_AFFECTED,
            label=label("resolve.users_affected_label"),
            optional=True,
            element=NumberInputElement(
                action_id=VALUE,
                is_decimal_allowed=False,
                min_value=0,
                initial_value=typed.get(WrapUpBlock.USERS_AFFECTED) or None,
            ),
        ),
        text_input(
            WrapUpBlock.ROOT_CAUSE,
            label("resolve.root_cause_label"),
            initial=typed.get(WrapUpBlock.ROOT_CAUSE, ""),
            max_length=RESOLUTION_TEXT_MAX,
            optional=True,
            hint=label("resolve.root_cause_hint"),
        ),
        InputBlock(
            block_id=WrapUpBlock.STARTED_AT,
            label=label("resolve.started_at_label"),
            hint=label("resolve.started_at_hint"),
            optional=True,
            element=DateTimePickerElement(action_id=VALUE, initial_date_time=started_at),
        ),
    ]
    metadata = {"incident_id": incident_id, "channel": channel_id, "reviewed": reviewed}
    return wrap_up_modal(renderer, WrapUpCallback.RESOLVE, "resolve", blocks, metadata, review=review)


# customer, stakeholder and executive texts ---------------------------------------------------


def comms_modal(
    renderer: Renderer,
    view: IncidentView,
    *,
    audience: CommsAudience,
    stage: str,
    channel_id: str,
    text: str,
    review: str | None = None,
    reviewed: str | None = None,
    extra: tuple[Sequence[dict[str, Any]], Mapping[str, Any]] = ((), {}),
    drafted: Sequence[Sequence[str]] = (),
) -> dict[str, Any]:
    """`extra`: blocks after the text and what they keep in the metadata (the status page's part);
    `drafted`: the checker's findings on the drafts reviewed so far, kept until the text is posted."""
    label = renderer.label
    title = label(f"comms_modal.{audience.value}_title")
    intro = renderer.render(
        "wrap_up/comms/draft_help.j2",
        title=title,
        stage=stage if audience is CommsAudience.CUSTOMER else "",
        **incident_context(view),
    )
    blocks: list[Any] = [context(intro)] if review is None else []
    blocks.append(
        text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("comms_modal.text_label"),
            initial=text,
            max_length=COMMS_TEXT_MAX,
            hint=label(f"comms_modal.{audience.value}_hint"),
        )
    )
    blocks.extend(extra[0])
    metadata = {
        **extra[1],
        "incident_id": view.incident.id,
        "channel": channel_id,
        "audience": audience.value,
        "stage": stage,
        "reviewed": reviewed,
    }
    if drafted:
        metadata["drafted"] = [list(pair) for pair in drafted]
    return wrap_up_modal(
        renderer, WrapUpCallback.COMMS_TEXT, "comms_modal", blocks, metadata, title=title, review=review
    )


def comms_buttons(renderer: Renderer, incident_id: int, *, resolved: bool) -> list[Any]:
    """Buttons that open the customer, stakeholder (and, once resolved, executive) forms."""
    audiences = [CommsAudience.CUSTOMER, CommsAudience.STAKEHOLDER]
    if resolved:
        audiences.append(CommsAudience.EXECUTIVE)
    return [
        button(
            renderer.label(f"wrapup_buttons.{audience.value}"),
            f"{WrapUpAction.OPEN_COMMS}:{audience.value}",
            f"{incident_id}:{audience.value}",
        )
        for audience in audiences
    ]
