"""Every Block Kit id the bot sends and listens for, in one place."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    """Modal `callback_id`s and shortcut callbacks."""

    DECLARE = "declare_incident"
    ASSIGN_ROLES = "assign_roles"
    POST_UPDATE = "post_update"


class Action(StrEnum):
    """Interactive component `action_id`s."""

    OPEN_ASSIGN_ROLES = "open_assign_roles"
    TAKE_ROLE = "take_role"
    RETRY_SETUP = "retry_setup"
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
    STATUS = "status"
    THEORY = "theory"
    TRIED = "tried"
    DOING = "doing"
    CUSTOMER_TEXT = "customer_text"
    NEXT_PRESET = "next_preset"
    NEXT_AT = "next_at"


VALUE = "value"
"""The action_id of the single element inside every input block."""
PRIVATE_OPTION = "private"
