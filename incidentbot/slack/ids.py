"""Every Block Kit id the bot sends and listens for, in one place."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    """Modal `callback_id`s and shortcut callbacks."""

    DECLARE = "declare_incident"
    ASSIGN_ROLES = "assign_roles"
    ADD_TO_TIMELINE = "add_to_timeline"
    """The message shortcut declared in manifest.yml."""
    TIMELINE_ADD = "timeline_add"
    TIMELINE_EDIT = "timeline_edit"
    TIMELINE_DELETE = "timeline_delete"


class Action(StrEnum):
    """Interactive component `action_id`s."""

    OPEN_ASSIGN_ROLES = "open_assign_roles"
    TAKE_ROLE = "take_role"
    RETRY_SETUP = "retry_setup"
    TIMELINE_PAGE = "timeline_page"
    """Prefix: `timeline_page:earlier` and `timeline_page:later`, value `<incident id>:<page>`."""
    TIMELINE_ENTRY = "timeline_entry"
    """The overflow menu on an entry: `edit:<event id>` or `delete:<event id>`."""


class Block(StrEnum):
    """Input `block_id`s; each input block holds one element whose action_id is `value`."""

    TITLE = "title"
    SEVERITY = "severity"
    IMPACT = "impact"
    COMMANDER = "commander"
    COMMS = "comms"
    SCRIBE = "scribe"
    OPTIONS = "options"
    ENTRY_TEXT = "entry_text"
    ENTRY_TIME = "entry_time"
    ENTRY_KIND = "entry_kind"


VALUE = "value"
"""The action_id of the single element inside every input block."""
PRIVATE_OPTION = "private"
