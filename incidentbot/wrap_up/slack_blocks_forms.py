"""What every wrap-up form shares: its text inputs, and coming back as a review.

Forms that carry text for customers, stakeholders or the postmortem can come back as a review:
the same form, its fields filled with what was typed, the checker's findings on top and the
submit button saying "Post anyway". `reviewed` in the metadata is a digest of the texts that
were reviewed, so submitting them unchanged posts them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, PlainTextInputElement

from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import modal, sections
from incidentbot.slack.ids import VALUE


def digest(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


def wrap_up_modal(
    renderer: Renderer,
    callback: str,
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


def text_input(
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
