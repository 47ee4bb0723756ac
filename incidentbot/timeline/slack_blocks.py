"""The timeline in Slack: pages of entries within message limits, and the entry modals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)

from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.rendering import Renderer
from incidentbot.slack.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    Blocks,
    actions,
    button,
    context,
    modal,
    sections,
)
from incidentbot.slack.ids import VALUE
from incidentbot.timeline.render_exports import rows
from incidentbot.timeline.rules import SCRIBE_KINDS, TEXT_MAX, clip
from incidentbot.timeline.slack_ids import TimelineAction, TimelineBlock, TimelineCallback

# A header, the entries, and the navigation buttons must fit Slack's 50 blocks a message.
PAGE_ENTRIES = MESSAGE_BLOCK_LIMIT - 10
SHOWN_CHARS = 600
"""Entry text shown in Slack; the full text is in the export and behind the permalink."""


@dataclass(frozen=True)
class Page:
    incident: Incident
    events: Sequence[TimelineEvent]
    """This page's entries only."""
    number: int
    count: int
    total: int
    editable: bool
    reaction: str


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_ENTRIES))


def page_slice(events: Sequence[TimelineEvent], number: int | None) -> tuple[int, Sequence[TimelineEvent]]:
    """The page asked for (the last, most recent one by default), clamped to those that exist.

    Pages are cut from the end, so the latest page is always full and the first holds the rest.
    """
    count = page_count(len(events))
    chosen = count - 1 if number is None else min(max(number, 0), count - 1)
    end = len(events) - (count - 1 - chosen) * PAGE_ENTRIES
    return chosen, events[max(0, end - PAGE_ENTRIES) : end]


def timeline_page(page: Page, renderer: Renderer) -> tuple[str, Blocks]:
    header = renderer.render(
        "timeline/page_header.j2",
        incident=page.incident,
        total=page.total,
        number=page.number + 1,
        count=page.count,
        editable=page.editable,
    )
    if not page.events:
        text = renderer.render("timeline/empty.j2", incident=page.incident, reaction=page.reaction)
        return text, [context(header), *sections(text)]
    blocks: Blocks = [context(header)]
    previous_day = None
    for row in rows(page.events, renderer):
        day = row.event.occurred_at.date()
        line = renderer.render(
            "timeline/entry.j2",
            row=row,
            text=clip(row.event.text, SHOWN_CHARS),
            show_date=day != previous_day,
            message_word=renderer.label("timeline.message_link"),
        )
        previous_day = day
        blocks.append(_entry_section(line, row.event, page.editable, renderer))
    navigation = _navigation(page, renderer)
    if navigation:
        blocks.append(navigation)
    return header, blocks


def _entry_section(line: str, event: TimelineEvent, editable: bool, renderer: Renderer) -> dict[str, Any]:
    accessory = None
    if editable and event.kind is not EventKind.TIMELINE_CORRECTED:
        accessory = OverflowMenuElement(
            action_id=TimelineAction.TIMELINE_ENTRY,
            options=[
                Option(value=f"edit:{event.id}", label=renderer.label("timeline.edit_option")),
                Option(value=f"delete:{event.id}", label=renderer.label("timeline.delete_option")),
            ],
        )
    section = SectionBlock(text=MarkdownTextObject(text=line[:3000]), accessory=accessory)
    return section.to_dict()


def _navigation(page: Page, renderer: Renderer) -> dict[str, Any] | None:
    incident_id = page.incident.id
    buttons = []
    if page.number > 0:
        buttons.append(
            button(
                renderer.label("timeline.earlier"),
                f"{TimelineAction.TIMELINE_PAGE}:earlier",
                f"{incident_id}:{page.number - 1}",
            )
        )
    if page.number < page.count - 1:
        buttons.append(
            button(
                renderer.label("timeline.later"),
                f"{TimelineAction.TIMELINE_PAGE}:later",
                f"{incident_id}:{page.number + 1}",
            )
        )
    return actions(*buttons) if buttons else None


# modals -----------------------------------------------------------------------------------------


_ENTRY_TITLES = {
    TimelineCallback.TIMELINE_ADD: "timeline.add_title",
    TimelineCallback.TIMELINE_EDIT: "timeline.edit_title",
}


@dataclass(frozen=True)
class EntryForm:
    """The add and the edit form are one modal; the callback says which, and so its title."""

    callback_id: TimelineCallback
    text: str
    occurred_at: datetime
    kind: EventKind
    metadata: dict[str, Any]
    about: str = ""
    """A line above the form saying what is being recorded (the message's author and time)."""
    review: str = ""
    """The checker's findings on the text, shown on top; the form then posts as it is."""


def entry_modal(form: EntryForm, renderer: Renderer) -> dict[str, Any]:
    label = renderer.label
    options = [Option(value=kind.value, label=label(f"timeline_kinds.{kind.value}")) for kind in SCRIBE_KINDS]
    initial = next((o for o in options if o.value == form.kind.value), None)
    blocks: list[Any] = [*sections(form.review)] if form.review else []
    blocks += [context(form.about)] if form.about else []
    blocks += [
        InputBlock(
            block_id=TimelineBlock.ENTRY_TEXT,
            label=label("timeline.text_label"),
            hint=label("timeline.text_hint"),
            element=PlainTextInputElement(
                action_id=VALUE, multiline=True, max_length=TEXT_MAX, initial_value=clip(form.text) or None
            ),
        ),
        InputBlock(
            block_id=TimelineBlock.ENTRY_TIME,
            label=label("timeline.time_label"),
            hint=label("timeline.time_hint"),
            element=DateTimePickerElement(
                action_id=VALUE, initial_date_time=int(form.occurred_at.timestamp())
            ),
        ),
        InputBlock(
            block_id=TimelineBlock.ENTRY_KIND,
            label=label("timeline.kind_label"),
            element=StaticSelectElement(action_id=VALUE, options=options, initial_option=initial),
        ),
    ]
    title = label(_ENTRY_TITLES[form.callback_id])
    save = label("review.submit") if form.review else label("timeline.save")
    return modal(renderer, form.callback_id, "timeline", blocks, form.metadata, title=title, submit=save)


def delete_modal(event: TimelineEvent, metadata: dict[str, Any], renderer: Renderer) -> dict[str, Any]:
    row = rows([event], renderer)[0]
    text = renderer.render("timeline/delete_confirm.j2", row=row, text=clip(event.text, SHOWN_CHARS))
    title, submit = renderer.label("timeline.delete_title"), renderer.label("timeline.delete_submit")
    return modal(
        renderer,
        TimelineCallback.TIMELINE_DELETE,
        "timeline",
        sections(text),
        metadata,
        title=title,
        submit=submit,
    )
