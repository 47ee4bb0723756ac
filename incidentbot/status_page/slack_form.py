"""The status page's part of the customer-text form: its title and one select per component.

The blocks and metadata are added to the existing form; the submitted view is read back into a
`Publication` (or inline errors keyed by block id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement

from incidentbot.rendering import Renderer
from incidentbot.slack import parse
from incidentbot.slack.ids import VALUE
from incidentbot.status_page.model import (
    PUBLIC_NAME_MAX,
    ComponentState,
    Publication,
    StatusPageConfig,
)

NAME_BLOCK = "status_page_name"
COMPONENT_BLOCK_PREFIX = "status_page_component:"
NEXT_UPDATE_KEY = "status_page_next"
_POSITION = {state: n for n, state in enumerate(ComponentState)}


def component_block(key: str) -> str:
    return COMPONENT_BLOCK_PREFIX + key


@dataclass(frozen=True)
class FormPart:
    """Blocks to add to the form, and what its metadata carries through a review."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def form_part(
    renderer: Renderer,
    config: StatusPageConfig,
    name: str,
    choices: Mapping[str, ComponentState],
    next_update_at: datetime | None,
) -> FormPart:
    label = renderer.label
    blocks: list[dict[str, Any]] = [
        InputBlock(
            block_id=NAME_BLOCK,
            label=label("status_page_form.name_label"),
            hint=label("status_page_form.name_hint"),
            element=PlainTextInputElement(
                action_id=VALUE, max_length=PUBLIC_NAME_MAX, initial_value=name[:PUBLIC_NAME_MAX] or None
            ),
        ).to_dict()
    ]
    options = [Option(value=s.value, label=label(f"status_page_states.{s.value}")) for s in ComponentState]
    for component in config.components:
        chosen = choices.get(component.name, ComponentState.OPERATIONAL)
        blocks.append(
            InputBlock(
                block_id=component_block(component.key),
                label=component.name,
                hint=label("status_page_form.component_hint"),
                element=StaticSelectElement(
                    action_id=VALUE, options=options, initial_option=options[_POSITION[chosen]]
                ),
            ).to_dict()
        )
    epoch = int(next_update_at.timestamp()) if next_update_at else None
    return FormPart(blocks=blocks, metadata={NEXT_UPDATE_KEY: epoch})


@dataclass(frozen=True)
class FormAnswer:
    errors: dict[str, str]
    name: str
    choices: dict[str, ComponentState]
    next_update_at: datetime | None

    def publication(self) -> Publication | None:
        return None if self.errors else Publication(name=self.name, components=self.choices)


def read(
    renderer: Renderer, config: StatusPageConfig, view: dict[str, Any], current: Mapping[str, ComponentState]
) -> FormAnswer:
    """The title and states chosen; a component the form did not show keeps its `current` state."""
    errors: dict[str, str] = {}
    name = " ".join(parse.text_value(view, NAME_BLOCK).split())
    if not name:
        errors[NAME_BLOCK] = renderer.label("status_page_form.name_empty")
    elif len(name) > PUBLIC_NAME_MAX:
        errors[NAME_BLOCK] = renderer.label("status_page_form.name_too_long")
    choices: dict[str, ComponentState] = {}
    for component in config.components:
        block = component_block(component.key)
        value = parse.selected_value(view, block)
        state = ComponentState.parse(value) if value is not None else current.get(component.name)
        if state is None and value is not None:
            errors[block] = renderer.label("status_page_form.state_unknown")
        choices[component.name] = state or ComponentState.OPERATIONAL
    return FormAnswer(errors, name, choices, _next_update(parse.metadata(view).get(NEXT_UPDATE_KEY)))


def _next_update(epoch: object) -> datetime | None:
    if not isinstance(epoch, int) or isinstance(epoch, bool):
        return None
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return None
