"""Block Kit for resolving, customer and stakeholder texts, the postmortem and action items.

Forms that carry text for customers, stakeholders or the postmortem can come back as a review:
the same form, its fields filled with what was typed, the checker's findings on top and the
submit button saying "Post anyway". `reviewed` in the metadata is a digest of the texts that
were reviewed, so submitting them unchanged posts them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)

from incidentbot.domain.action_items import (
    ACTION_TEXT_MAX,
    SUCCESS_METRIC_MAX,
    ActionDraft,
    ActionItem,
    Priority,
)
from incidentbot.domain.analysis import ANALYSIS_TEXT_MAX, MAX_WHYS, FactorCategory, FiveWhys
from incidentbot.domain.comms import COMMS_TEXT_MAX, CommsAudience
from incidentbot.domain.metrics import IncidentMetrics
from incidentbot.domain.resolution import RESOLUTION_TEXT_MAX, Resolution
from incidentbot.rendering import Renderer
from incidentbot.services.ports import IncidentView
from incidentbot.slack.blocks.common import Blocks, actions, button, context, modal, sections
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.ids import VALUE, WrapUpAction, WrapUpBlock, WrapUpCallback, why_block

MAX_LISTED_ITEMS = 45
"""Action items shown in one message: each is one block, and a message holds 50."""


def digest(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


def _modal(
    renderer: Renderer,
    callback: WrapUpCallback,
    group: str,
    blocks: Sequence[Block | dict[str, Any]],
    metadata: Mapping[str, Any],
    *,
    title: str | None = None,
    review: str | None = None,
) -> dict[str, Any]:
    shown: list[Any] = [*sections(review)] if review else []
    shown.extend(blocks)
    submit = renderer.label("review.submit") if review else None
    return modal(renderer, callback, group, shown, metadata, title=title, submit=submit)


def _text_input(
    block: str,
    label: str,
    *,
    initial: str = "",
    max_length: int,
    multiline: bool = True,
    optional: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=label,
        hint=hint,
        optional=optional,
        element=PlainTextInputElement(
            action_id=VALUE,
            multiline=multiline,
            max_length=max_length,
            initial_value=initial[:max_length] or None,
            placeholder=placeholder,
        ),
    )


# resolve -------------------------------------------------------------------------------------


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
        _text_input(
            WrapUpBlock.FIX,
            label("resolve.fix_label"),
            initial=typed.get(WrapUpBlock.FIX, ""),
            max_length=RESOLUTION_TEXT_MAX,
            placeholder=label("resolve.fix_placeholder"),
        ),
        _text_input(
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
        _text_input(
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
    return _modal(renderer, WrapUpCallback.RESOLVE, "resolve", blocks, metadata, review=review)


def resolution_message(
    view: IncidentView, resolution: Resolution, metrics: IncidentMetrics, renderer: Renderer
) -> tuple[str, Blocks]:
    """The internal resolution update, with the texts still owed to customers and leadership."""
    text = renderer.render(
        "resolution/resolved.j2", **incident_context(view, resolution=resolution, metrics=metrics)
    )
    owed = comms_buttons(renderer, view.incident.id, resolved=True)
    return text, [*sections(text), actions(*owed)]


def postmortem_offer(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("resolution/offer_postmortem.j2", **incident_context(view))
    start = button(
        renderer.label("wrapup_buttons.start_postmortem"),
        WrapUpAction.START_POSTMORTEM,
        str(view.incident.id),
        style="primary",
    )
    return text, [*sections(text), actions(start)]


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
) -> dict[str, Any]:
    label = renderer.label
    title = label(f"comms_modal.{audience.value}_title")
    intro = renderer.render(
        "comms/draft_help.j2",
        title=title,
        stage=stage if audience is CommsAudience.CUSTOMER else "",
        **incident_context(view),
    )
    blocks: list[Any] = [context(intro)] if review is None else []
    blocks.append(
        _text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("comms_modal.text_label"),
            initial=text,
            max_length=COMMS_TEXT_MAX,
            hint=label(f"comms_modal.{audience.value}_hint"),
        )
    )
    metadata = {
        "incident_id": view.incident.id,
        "channel": channel_id,
        "audience": audience.value,
        "stage": stage,
        "reviewed": reviewed,
    }
    return _modal(
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


# postmortem analysis -------------------------------------------------------------------------


def workbench(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    """The message that goes with a postmortem draft: buttons to fill in the analysis."""
    text = renderer.render("postmortem/workbench.j2", **incident_context(view))
    value = str(view.incident.id)
    label = renderer.label
    row = actions(
        button(label("wrapup_buttons.five_whys"), WrapUpAction.OPEN_FIVE_WHYS, value),
        button(label("wrapup_buttons.factor"), WrapUpAction.OPEN_FACTOR, value),
        button(label("wrapup_buttons.went_well"), WrapUpAction.OPEN_WENT_WELL, value),
        button(label("wrapup_buttons.add_action"), WrapUpAction.OPEN_ACTION_ITEM, value),
        button(label("wrapup_buttons.regenerate"), WrapUpAction.REGENERATE_POSTMORTEM, value),
    )
    return text, [*sections(text), row]


def five_whys_modal(
    renderer: Renderer,
    incident_id: int,
    current: FiveWhys | None,
    *,
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    label = renderer.label
    whys = list(current.whys) if current else []
    blocks: list[Any] = [
        _text_input(
            WrapUpBlock.PROBLEM,
            label("whys.problem_label"),
            initial=current.problem if current else "",
            max_length=ANALYSIS_TEXT_MAX,
            multiline=False,
            placeholder=label("whys.problem_placeholder"),
        )
    ]
    for number in range(1, MAX_WHYS + 1):
        blocks.append(
            _text_input(
                why_block(number),
                label("whys.why_label", number=number),
                initial=whys[number - 1] if number <= len(whys) else "",
                max_length=ANALYSIS_TEXT_MAX,
                multiline=False,
                optional=number > 1,
                hint=label("whys.why_hint") if number == 1 else None,
            )
        )
    blocks.append(
        _text_input(
            WrapUpBlock.ROOT_CAUSE,
            label("whys.root_cause_label"),
            initial=current.root_cause if current else "",
            max_length=ANALYSIS_TEXT_MAX,
            optional=True,
        )
    )
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return _modal(renderer, WrapUpCallback.FIVE_WHYS, "whys", blocks, metadata, review=review)


def factor_modal(
    renderer: Renderer,
    incident_id: int,
    *,
    category: str | None = None,
    text: str = "",
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    label = renderer.label
    options = [Option(value=c.value, label=label(f"factor.{c.value}")) for c in FactorCategory]
    chosen = next((o for o in options if o.value == category), None)
    blocks = [
        InputBlock(
            block_id=WrapUpBlock.CATEGORY,
            label=label("factor.category_label"),
            element=StaticSelectElement(action_id=VALUE, options=options, initial_option=chosen),
        ),
        _text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("factor.text_label"),
            initial=text,
            max_length=ANALYSIS_TEXT_MAX,
            hint=label("factor.text_hint"),
            placeholder=label("factor.text_placeholder"),
        ),
    ]
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return _modal(renderer, WrapUpCallback.FACTOR, "factor", blocks, metadata, review=review)


def went_well_modal(
    renderer: Renderer,
    incident_id: int,
    *,
    text: str = "",
    review: str | None = None,
    reviewed: str | None = None,
) -> dict[str, Any]:
    label = renderer.label
    blocks = [
        _text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("went_well.text_label"),
            initial=text,
            max_length=ANALYSIS_TEXT_MAX,
            placeholder=label("went_well.text_placeholder"),
        )
    ]
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return _modal(renderer, WrapUpCallback.WENT_WELL, "went_well", blocks, metadata, review=review)


# action items --------------------------------------------------------------------------------


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
        _text_input(
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
        _text_input(
            WrapUpBlock.METRIC,
            label("action_modal.metric_label"),
            initial=draft.success_metric,
            max_length=SUCCESS_METRIC_MAX,
            multiline=False,
            placeholder=label("action_modal.metric_placeholder"),
        ),
    ]
    metadata = {"incident_id": incident_id, "channel": channel_id, "reviewed": reviewed}
    return _modal(renderer, WrapUpCallback.ACTION_ITEM, "action_modal", blocks, metadata, review=review)


def action_list(
    view: IncidentView, items: Sequence[ActionItem], renderer: Renderer, today: date
) -> tuple[str, Blocks]:
    shown = list(items)[:MAX_LISTED_ITEMS]
    hidden = len(items) - len(shown)
    text = renderer.render("actions/list.j2", items=list(items), hidden=hidden, **incident_context(view))
    blocks = sections(text)[:2]
    for number, item in enumerate(shown, start=1):
        line = renderer.render("actions/item.j2", item=item, number=number, today=today)
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


def overdue_reminder(view: IncidentView, item: ActionItem, renderer: Renderer) -> tuple[str, Blocks]:
    text = renderer.render("actions/overdue.j2", item=item, **incident_context(view))
    done = button(renderer.label("wrapup_buttons.done"), WrapUpAction.ACTION_DONE, str(item.id))
    return text, [*sections(text), actions(done)]
