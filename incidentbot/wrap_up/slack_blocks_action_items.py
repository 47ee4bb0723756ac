"""Block Kit for action items: the form and the list with its done and reopen buttons (the
overdue reminder is in `slack_messages.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.ids import VALUE
from incidentbot.wrap_up.action_item_rules import (
    ACTION_TEXT_MAX,
    SUCCESS_METRIC_MAX,
    ActionDraft,
    ActionItem,
    Priority,
)
from incidentbot.wrap_up.slack_blocks_forms import text_input, wrap_up_modal
from incidentbot.wrap_up.slack_ids import WrapUpAction, WrapUpBlock, WrapUpCallback

MAX_LISTED_ITEMS = 45
"""Action items shown in one message: each is one block, and a message holds 50."""


def action_modal(
    renderer: Renderer,
    incident_id: int,
    channel_id: str,
    today: date,
    *,
    draft: ActionDraft | None = None,
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    """The action item form; under review, `draft` refills what was entered."""
    label = renderer.label
    priorities = [Option(value=p.value, label=p.value) for p in Priority]
    draft = draft or ActionDraft(text="", due_on=today)
    blocks = [
        text_input(
            WrapUpBlock.TEXT,
            label("action_modal.text_label"),
            initial=draft.text,
            max_length=ACTION_TEXT_MAX,
            multiline=False,
            hint=label("action_modal.text_hint"),
            placeholder=label("action_modal.text_placeholder"),
        ),
        InputBlock(
            block_id=WrapUpBlock.OWNER,
            label=label("action_modal.owner_label"),
            hint=label("action_modal.owner_hint"),
            element=UserSelectElement(action_id=VALUE, initial_user=draft.owner_id),
        ),
        InputBlock(
            block_id=WrapUpBlock.DUE,
            label=label("action_modal.due_label"),
            element=DatePickerElement(action_id=VALUE, initial_date=(draft.due_on or today).isoformat()),
        ),
        InputBlock(
            block_id=WrapUpBlock.PRIORITY,
            label=label("action_modal.priority_label"),
            element=StaticSelectElement(
                action_id=VALUE,
                options=priorities,
                initial_option=priorities[list(Priority).index(draft.priority)],
            ),
        ),
        text_input(
            WrapUpBlock.METRIC,
            label("action_modal.metric_label"),
            initial=draft.success_metric,
            max_length=SUCCESS_METRIC_MAX,
            multiline=False,
            placeholder=label("action_modal.metric_placeholder"),
        ),
    ]
    metadata = {"incident_id": incident_id, "channel": channel_id, "reviewed": reviewed}
    return wrap_up_modal(
        renderer, WrapUpCallback.ACTION_ITEM, "action_modal", blocks, metadata, review=review
    )


def action_list(
    view: IncidentView, items: Sequence[ActionItem], renderer: Renderer, today: date
) -> tuple[str, Blocks]:
    shown = list(items)[:MAX_LISTED_ITEMS]
    hidden = len(items) - len(shown)
    text = renderer.render(
        "wrap_up/actions/list.j2", items=list(items), hidden=hidden, **incident_context(view)
    )
    blocks = sections(text)[:2]
    for number, item in enumerate(shown, start=1):
        line = renderer.render("wrap_up/actions/item.j2", item=item, number=number, today=today)
        blocks.append(
            SectionBlock(
                text={"type": "mrkdwn", "text": line[:3000]}, accessory=_toggle(renderer, item)
            ).to_dict()
        )
    if not items:
        blocks.append(
            actions(
                button(
                    renderer.label("wrapup_buttons.add_action"),
                    WrapUpAction.OPEN_ACTION_ITEM,
                    str(view.incident.id),
                )
            )
        )
    return text, blocks


def _toggle(renderer: Renderer, item: ActionItem) -> Any:
    if item.is_open:
        return button(renderer.label("wrapup_buttons.done"), WrapUpAction.ACTION_DONE, str(item.id))
    return button(renderer.label("wrapup_buttons.reopen"), WrapUpAction.ACTION_REOPEN, str(item.id))
