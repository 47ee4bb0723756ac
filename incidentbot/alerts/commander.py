"""Who commands an incident an alert rule declared, and why nobody does.

The rule names a person (`U…`), a user group (`S…`) or nobody. Nothing about Slack is asked
while the alerts are applied: the declaration owes an `alert_commander` message, and its delivery
(`slack_commander.py`) asks Slack who that is, gives the role, or says in the alert channel and in
the incident's why nobody has it. A group's commander is its first member, in Slack's order, who is
an active person the bot can look up.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

GROUP_PREFIX = "S"


class NoCommander(StrEnum):
    """Why an automatically declared incident has no commander (the notice's wording follows)."""

    NONE = "none"
    """The rule names nobody."""
    UNKNOWN = "unknown"
    """Slack knows no such person."""
    DEACTIVATED = "deactivated"
    BOT = "bot"
    GROUP_UNKNOWN = "group_unknown"
    """No such user group, or it is disabled."""
    GROUP_UNREADABLE = "group_unreadable"
    """Slack refuses to list the group (no `usergroups:read`, or a plan without user groups)."""
    GROUP_EMPTY = "group_empty"
    """The group has no active, non-bot member the bot can look up."""


class CommanderAsked(BaseModel):
    """The `alert_commander` message's payload: whom the rule names, if anyone."""

    model_config = ConfigDict(frozen=True)

    commander: str | None = None

    @property
    def group(self) -> str | None:
        return self.commander if self.commander and self.commander.startswith(GROUP_PREFIX) else None


class NoCommanderNotice(BaseModel):
    """The `alert_no_commander` message's payload: where it goes and what it says."""

    model_config = ConfigDict(frozen=True)

    in_incident_channel: bool
    reason: NoCommander
    commander: str | None = None
    detail: str = ""


def person_reason(found: bool, deleted: bool, is_bot: bool) -> NoCommander | None:
    """Why a person cannot command; None when they can."""
    if not found:
        return NoCommander.UNKNOWN
    if deleted:
        return NoCommander.DEACTIVATED
    if is_bot:
        return NoCommander.BOT
    return None
