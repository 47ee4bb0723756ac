"""Who may do what to an incident; a team may relax these in the config file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from incidentbot.incident.models import Role, Roster, Severity

SERIOUS = frozenset({Severity.SEV1, Severity.SEV2})
"""The severities whose update cadence a lowering would slow down (or stop)."""


class Permissions(BaseModel):
    # A misspelt rule in the config file is an error, not a silently kept default.
    model_config = ConfigDict(frozen=True, extra="forbid")

    commander_only_reassigns_commander: bool = True
    """Handing over command is the commander's call, not anyone's in the channel."""

    commander_only_resolves: bool = True
    """Declaring it over (or not over after all) is the commander's call too."""

    commander_or_scribe_edits_timeline: bool = True
    """Anyone adds to the record; only its keepers change or remove what is on it."""

    confirm_severity_lowering_without_role: bool = True
    """Lowering a SEV-1 or SEV-2 slows the promised updates: someone with no role confirms it first."""

    def must_confirm_lowering(self, roster: Roster, current: Severity, new: Severity, actor: str) -> bool:
        if not self.confirm_severity_lowering_without_role or current not in SERIOUS or new <= current:
            return False
        return actor not in (roster.commander, roster.comms, roster.scribe)

    def may_assign(self, roster: Roster, role: Role, actor: str) -> bool:
        if role is not Role.COMMANDER or not self.commander_only_reassigns_commander:
            return True
        return roster.commander in (None, actor)

    def may_resolve(self, roster: Roster, actor: str) -> bool:
        """Resolving or reopening; an incident nobody commands can still be closed by anyone."""
        if not self.commander_only_resolves:
            return True
        return roster.commander in (None, actor)

    def may_edit_timeline(self, roster: Roster, actor: str) -> bool:
        if not self.commander_or_scribe_edits_timeline:
            return True
        return actor in (roster.commander, roster.scribe)
