"""Block Kit for the postmortem analysis: the workbench message, the five whys, contributing
factors and what went well."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, StaticSelectElement

from incidentbot.kernel.ports import IncidentView
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import Blocks, actions, button, sections
from incidentbot.slack.blocks.incident import incident_context
from incidentbot.slack.ids import VALUE
from incidentbot.wrap_up.analysis_rules import ANALYSIS_TEXT_MAX, MAX_WHYS, FactorCategory, FiveWhys
from incidentbot.wrap_up.slack_blocks_forms import text_input, wrap_up_modal
from incidentbot.wrap_up.slack_ids import WrapUpAction, WrapUpBlock, WrapUpCallback, why_block


def workbench(view: IncidentView, renderer: Renderer) -> tuple[str, Blocks]:
    """The message that goes with a postmortem draft: buttons to fill in the analysis."""
    text = renderer.render("wrap_up/postmortem/workbench.j2", **incident_context(view))
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
        text_input(
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
            text_input(
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
        text_input(
            WrapUpBlock.ROOT_CAUSE,
            label("whys.root_cause_label"),
            initial=current.root_cause if current else "",
            max_length=ANALYSIS_TEXT_MAX,
            optional=True,
        )
    )
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return wrap_up_modal(renderer, WrapUpCallback.FIVE_WHYS, "whys", blocks, metadata, review=review)


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
        text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("factor.text_label"),
            initial=text,
            max_length=ANALYSIS_TEXT_MAX,
            hint=label("factor.text_hint"),
            placeholder=label("factor.text_placeholder"),
        ),
    ]
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return wrap_up_modal(renderer, WrapUpCallback.FACTOR, "factor", blocks, metadata, review=review)


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
        text_input(
            WrapUpBlock.TEXT,
            label("review.text_label") if review else label("went_well.text_label"),
            initial=text,
            max_length=ANALYSIS_TEXT_MAX,
            placeholder=label("went_well.text_placeholder"),
        )
    ]
    metadata = {"incident_id": incident_id, "reviewed": reviewed}
    return wrap_up_modal(renderer, WrapUpCallback.WENT_WELL, "went_well", blocks, metadata, review=review)
