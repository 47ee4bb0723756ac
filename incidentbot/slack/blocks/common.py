"""Small Block Kit pieces shared by every message and modal, within Slack's size limits."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from incidentbot.rendering import Renderer

SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
TEXT_FALLBACK_LIMIT = 3000

Blocks = list[dict[str, Any]]


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Cut text into pieces Slack accepts in one section, preferring line breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
            # Never split an escape such as `&amp;` in half.
            amp = rest.rfind("&", cut - 5, cut)
            if amp > 0 and ";" not in rest[amp:cut]:
                cut = amp
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def sections(text: str) -> Blocks:
    return [SectionBlock(text=MarkdownTextObject(text=piece or " ")).to_dict() for piece in split_text(text)]


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:SECTION_LIMIT])]).to_dict()


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text[:75], action_id=action_id, value=value, style=style)


def actions(*buttons: ButtonElement) -> dict[str, Any]:
    return ActionsBlock(elements=list(buttons)).to_dict()


def fallback(text: str) -> str:
    """The notification text that goes with blocks; Slack shows it in notifications."""
    return text if len(text) <= TEXT_FALLBACK_LIMIT else text[: TEXT_FALLBACK_LIMIT - 1] + "…"


def modal(
    renderer: Renderer,
    callback_id: str,
    group: str,
    blocks: Sequence[Any],
    metadata: Mapping[str, Any],
    *,
    title: str | None = None,
    submit: str | None = None,
) -> dict[str, Any]:
    """A modal worded by `<group>.title`, `.submit`, `.cancel` in rendering/labels.toml unless told otherwise.

    `metadata` comes back with the submission as the view's private_metadata.
    """
    label = renderer.label
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title or label(f"{group}.title")),
        submit=PlainTextObject(text=submit or label(f"{group}.submit")),
        close=PlainTextObject(text=label(f"{group}.cancel")),
        private_metadata=json.dumps(dict(metadata)),
        blocks=list(blocks),
    ).to_dict()


def home_view(text: str) -> dict[str, Any]:
    return {"type": "home", "blocks": sections(text)[:MESSAGE_BLOCK_LIMIT]}
