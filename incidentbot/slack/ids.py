"""Every Block Kit id the bot sends and listens for, in one place."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    """Modal `callback_id`s and shortcut callbacks."""

    DECLARE = "declare_incident"
    ASSIGN_ROLES = "assign_roles"
    ADD_TO_TIMELINE = "add_to_timeline"
    DISMISS_ALERTS = "alert_dismiss_form"
    ATTACH_ALERTS = "alert_attach_form"
    """The message shortcut declared in manifest.yml."""
    TIMELINE_ADD = "timeline_add"
    TIMELINE_EDIT = "timeline_edit"
    TIMELINE_DELETE = "timeline_delete"
    POST_UPDATE = "post_update"


class Action(StrEnum):
    """Interactive component `action_id`s."""

    OPEN_ASSIGN_ROLES = "open_assign_roles"
    TAKE_ROLE = "take_role"
    RETRY_SETUP = "retry_setup"
    CONFIRM_LOWERING = "confirm_severity_lowering"
    """Value: the severity number to lower to, in the incident of the channel clicked in."""
    KEEP_SEVERITY = "keep_severity"
    TIMELINE_PAGE = "timeline_page"
    """Prefix: `timeline_page:earlier` and `timeline_page:later`, value `<incident id>:<page>`."""
    TIMELINE_ENTRY = "timeline_entry"
    """The overflow menu on an entry: `edit:<event id>` or `delete:<event id>`."""
    OPEN_UPDATE = "open_update"
    SNOOZE = "snooze_update"
    """Followed by `:<minutes>`; the value is `<commitment id>:<minutes>`."""


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
    STATUS = "status"
    THEORY = "theory"
    TRIED = "tried"
    DOING = "doing"
    CUSTOMER_TEXT = "customer_text"
    NEXT_PRESET = "next_preset"
    NEXT_AT = "next_at"
    NEXT_FAR = "next_far"


VALUE = "value"
"""The action_id of the single element inside every input block."""
PRIVATE_OPTION = "private"
FAR_CONFIRMED_OPTION = "confirmed"


class WrapUpCallback(StrEnum):
    """Modals for resolving, customer and stakeholder texts, the postmortem and action items."""

    RESOLVE = "resolve_incident"
    COMMS_TEXT = "comms_text"
    FIVE_WHYS = "five_whys"
    FACTOR = "contributing_factor"
    WENT_WELL = "went_well"
    ACTION_ITEM = "action_item"


class WrapUpAction(StrEnum):
    OPEN_RESOLVE = "open_resolve"
    START_POSTMORTEM = "start_postmortem"
    REGENERATE_POSTMORTEM = "regenerate_postmortem"
    OPEN_FIVE_WHYS = "open_five_whys"
    OPEN_FACTOR = "open_factor"
    OPEN_WENT_WELL = "open_went_well"
    OPEN_ACTION_ITEM = "open_action_item"
    OPEN_COMMS = "open_comms"
    ACTION_DONE = "action_item_done"
    ACTION_REOPEN = "action_item_reopen"


class WrapUpBlock(StrEnum):
    FIX = "fix"
    CUSTOMER_IMPACT = "customer_impact"
    USERS_AFFECTED = "users_affected"
    ROOT_CAUSE = "root_cause"
    STARTED_AT = "started_at"
    TEXT = "text"
    PROBLEM = "problem"
    WHYS = "whys"
    CATEGORY = "category"
    OWNER = "owner"
    DUE = "due"
    PRIORITY = "priority"
    METRIC = "success_metric"


def why_block(number: int) -> str:
    """The input block of the n-th "why" (1-based) in the 5 Whys modal."""
    return f"why_{number}"
