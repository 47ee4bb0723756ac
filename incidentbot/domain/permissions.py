"""Who may do what to an incident; a team may relax these in the config file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from incidentbot.domain.models import Role, Roster


class Permissions(BaseModel):
    model_config = ConfigDict(frozen=True)

    commander_only_reassigns_commander: bool = True
    """Handing over command is the commander's call, not anyone's in the channel."""

    def may_assign(self, roster: Roster, role: Role, actor: str) -> bool:
        if role is not Role.COMMANDER or not self.commander_only_reassigns_commander:
            return True
        return roster.commander in (None, actor)
