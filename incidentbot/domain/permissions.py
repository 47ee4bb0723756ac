"""Who may do what to an incident; a team may relax these in the config file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from incidentbot.domain.models import Role, Roster


class Permissions(BaseModel):
    # A misspelt rule in the config file is an error, not a silently kept default.
    model_config = ConfigDict(frozen=True, extra="forbid")

    commander_only_reassigns_commander: bool = True
    """Handing over command is the commander's call, not anyone's in the channel."""

    commander_only_resolves: bool = True
    """Declaring it over (or not over after all) is the commander's call too."""

    commander_or_scribe_edits_timeline: bool = True
    """Anyone adds to the record; only its keepers change or remove what is on it."""

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
