"""The checker's vocabulary: who reads a text, what stage it speaks for, and what a finding is.

Plain frozen dataclasses rather than pydantic models: `python -m incidentbot lint` imports this
package for one text, and the checker must answer before a person notices the wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from incidentbot.checker.terms import DEFAULT_CUSTOMER_PHRASES, DEFAULT_JARGON, DEFAULT_THIRD_PARTIES


class Audience(StrEnum):
    CUSTOMER = "customer"
    INTERNAL = "internal"
    STAKEHOLDER = "stakeholder"
    POSTMORTEM = "postmortem"


class Stage(StrEnum):
    """Whether a text reports an incident still in progress or announces its resolution."""

    IN_PROGRESS = "in-progress"
    RESOLVED = "resolved"


ALL_AUDIENCES = frozenset(Audience)
OUTWARD = frozenset({Audience.CUSTOMER, Audience.STAKEHOLDER})
"""Readers outside the response team, who need facts rather than the team's working guesses."""
DURING_RESPONSE = frozenset({Audience.CUSTOMER, Audience.STAKEHOLDER, Audience.INTERNAL})
CUSTOMER_ONLY = frozenset({Audience.CUSTOMER})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text: where it is, what is wrong, and what to write instead."""

    rule: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str


def _phrases(values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple, frozenset, set)):
        raise TypeError("expected a list of phrases")
    if not all(isinstance(value, str) for value in values):
        raise TypeError("every phrase must be text")
    return tuple(value for value in values if value.strip())


@dataclass(frozen=True, slots=True)
class CheckerConfig:
    """What a team may tune. Frozen and hashable, so compiled rules are cached per config.

    `teams` and `people` name groups and persons the checker should treat as people whatever
    the sentence looks like, in any case; `names` are people's names as written in prose
    (capitalised), matched only so, because a person called "May" must not make "may have
    caused" blame. `handles` are Slack user-group handles, people only right after an "@"
    ("@platform"), because a handle is often a word that names a thing ("the platform").
    `customer_phrases` are allowed terms that are never jargon.
    """

    jargon: tuple[str, ...] = DEFAULT_JARGON
    third_parties: tuple[str, ...] = DEFAULT_THIRD_PARTIES
    customer_phrases: tuple[str, ...] = DEFAULT_CUSTOMER_PHRASES
    teams: tuple[str, ...] = field(default=())
    people: tuple[str, ...] = field(default=())
    names: tuple[str, ...] = field(default=())
    handles: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("jargon", "third_parties", "customer_phrases", "teams", "people", "names", "handles"):
            object.__setattr__(self, name, _phrases(getattr(self, name)))

    def extended(
        self,
        *,
        jargon: tuple[str, ...] = (),
        third_parties: tuple[str, ...] = (),
        allowed: tuple[str, ...] = (),
        teams: tuple[str, ...] = (),
        people: tuple[str, ...] = (),
        names: tuple[str, ...] = (),
        handles: tuple[str, ...] = (),
    ) -> CheckerConfig:
        """This config plus a team's own terms; the defaults stay, the additions come first."""
        return CheckerConfig(
            jargon=(*jargon, *self.jargon),
            third_parties=(*third_parties, *self.third_parties),
            customer_phrases=(*allowed, *self.customer_phrases),
            teams=(*teams, *self.teams),
            people=(*people, *self.people),
            names=(*names, *self.names),
            handles=(*handles, *self.handles),
        )


DEFAULT_CONFIG = CheckerConfig()
