"""Failures a person can act on around resolution, customer texts, action items and postmortems."""

from __future__ import annotations

from incidentbot.kernel.errors import IncidentError


class AlreadyResolved(IncidentError):
    code = "wrap_up/already_resolved"


class NotResolvedYet(IncidentError):
    code = "wrap_up/not_resolved_yet"


class InvalidActionItem(IncidentError):
    """`detail` is `problem` or `problem:value`; the template explains each problem."""

    code = "wrap_up/invalid_action_item"

    def __init__(self, problem: str, value: str = "") -> None:
        super().__init__(f"{problem}:{value}" if value else problem)
        self.problem = problem


class ActionItemNotFound(IncidentError):
    code = "wrap_up/action_item_not_found"


class InvalidCommsText(IncidentError):
    code = "wrap_up/invalid_comms_text"


class OnlyCommanderResolves(IncidentError):
    """`detail` is the commander's user id."""

    code = "wrap_up/only_commander_resolves"
