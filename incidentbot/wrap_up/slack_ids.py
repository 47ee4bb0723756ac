"""Wrap-up's ids: resolving, the customer and stakeholder texts, the postmortem and action items."""

from __future__ import annotations

from enum import StrEnum


class WrapUpCallback(StrEnum):
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
    """Followed by `:<audience>`."""
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


CLAIMED_WITH_THEIR_RECORD: frozenset[StrEnum] = frozenset(
    {
        WrapUpCallback.RESOLVE,
        WrapUpCallback.COMMS_TEXT,
        WrapUpCallback.ACTION_ITEM,
        WrapUpCallback.FIVE_WHYS,
        WrapUpCallback.FACTOR,
        WrapUpCallback.WENT_WELL,
        WrapUpAction.ACTION_DONE,
        WrapUpAction.ACTION_REOPEN,
    }
)
"""The forms and buttons whose delivery is claimed in the commit that journals them
(`slack/once.py`), so that a repeat is never applied twice."""
