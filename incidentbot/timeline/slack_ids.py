"""The timeline's ids: the "Add to timeline" shortcut, the entry forms, the page and entry menus."""

from __future__ import annotations

from enum import StrEnum


class TimelineCallback(StrEnum):
    ADD_TO_TIMELINE = "add_to_timeline"
    """The message shortcut declared in manifest.yml."""
    TIMELINE_ADD = "timeline_add"
    TIMELINE_EDIT = "timeline_edit"
    TIMELINE_DELETE = "timeline_delete"


class TimelineAction(StrEnum):
    TIMELINE_PAGE = "timeline_page"
    """Prefix: `timeline_page:earlier` and `timeline_page:later`, value `<incident id>:<page>`."""
    TIMELINE_ENTRY = "timeline_entry"
    """The overflow menu on an entry: `edit:<event id>` or `delete:<event id>`."""


class TimelineBlock(StrEnum):
    ENTRY_TEXT = "entry_text"
    ENTRY_TIME = "entry_time"
    ENTRY_KIND = "entry_kind"


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset(
    {TimelineCallback.TIMELINE_ADD, TimelineCallback.TIMELINE_EDIT, TimelineCallback.TIMELINE_DELETE}
)
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
