"""A drill's scenario: what the team is told, when, and what it must produce by when.

Scenarios are TOML files (`scenario_files.py` reads them); this module is only their shape and
rules, so a file and a test build the same thing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from incidentbot.incident.models import Role, Severity

_DURATION = re.compile(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?")
_SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
MAX_TEXT = 2500
"""Slack shows at most 3,000 characters in a section block; the rest is the drill's marking."""


def parse_duration(value: object) -> timedelta:
    """`"3m"`, `"90s"`, `"1m30s"`, `"1h"` → a timedelta; a ValueError naming the accepted forms."""
    if isinstance(value, timedelta):
        return value
    text = value.strip() if isinstance(value, str) else ""
    match = _DURATION.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise ValueError(f'{value!r} is not a duration; write it as "90s", "3m", "1m30s" or "1h"')
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def format_duration(delta: timedelta) -> str:
    minutes, seconds = divmod(int(delta.total_seconds()), 60)
    if not seconds:
        return f"{minutes}m"
    return f"{minutes}m{seconds}s" if minutes else f"{seconds}s"


def _severity(value: object) -> Severity:
    parsed = Severity.parse(str(value)) if isinstance(value, (int, str)) else None
    if parsed is None:
        raise ValueError(f'{value!r} is not a severity; write 1 to 4 or "SEV-1" to "SEV-4"')
    return parsed


Duration = Annotated[timedelta, BeforeValidator(parse_duration), PlainSerializer(format_duration)]
"""Written `"3m"` in files and in journalled commands alike, so a scenario reads back as it was."""
ScenarioSeverity = Annotated[Severity, BeforeValidator(_severity)]


class Artifact(StrEnum):
    """What an inject asks the team to produce, each seen in what the bot already records."""

    INTERNAL_UPDATE = "internal_update"
    CUSTOMER_TEXT = "customer_text"
    TIMELINE_ENTRY = "timeline_entry"
    SEVERITY_CHANGE = "severity_change"
    ROLE_FILLED = "role_filled"
    REPLY = "reply"
    """A message in the drill channel from whoever holds `role`."""


NEEDS_ROLE = frozenset({Artifact.ROLE_FILLED, Artifact.REPLY})


class Requirement(BaseModel):
    """`{ artifact = "internal_update", within = "5m" }`: due `within` after its inject arrives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    artifact: Artifact
    within: Duration
    role: Role | None = None

    @field_validator("within")
    @classmethod
    def _positive(cls, within: timedelta) -> timedelta:
        if within <= timedelta(0):
            raise ValueError("must be longer than 0s")
        return within

    @model_validator(mode="after")
    def _role_when_needed(self) -> Requirement:
        if self.artifact in NEEDS_ROLE and self.role is None:
            roles = ", ".join(role.value for role in Role)
            raise ValueError(f'{self.artifact.value} needs a role: add role = "…" ({roles})')
        return self


class Inject(BaseModel):
    """One new fact, posted `at` after the drill starts (divided by the drill's time scale)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)

    at: Duration
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    sender: str | None = Field(default=None, alias="from", min_length=1, max_length=40)
    requires: tuple[Requirement, ...] = ()


def first_out_of_order(injects: tuple[Inject, ...]) -> int | None:
    """The index of the first inject that comes before the one listed above it."""
    for index in range(1, len(injects)):
        if injects[index].at < injects[index - 1].at:
            return index
    return None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_SLUG)
    """The slug typed after `/incident drill` and used in the channel's name."""
    title: str = Field(min_length=1, max_length=150)
    severity: ScenarioSeverity
    impact: str = Field(min_length=1, max_length=MAX_TEXT)
    briefing: str = Field(min_length=1, max_length=MAX_TEXT)
    """What the commander is told when the drill starts."""
    injects: tuple[Inject, ...] = Field(min_length=1)

    @field_validator("injects")
    @classmethod
    def _in_order(cls, injects: tuple[Inject, ...]) -> tuple[Inject, ...]:
        index = first_out_of_order(injects)
        if index is not None:
            later, earlier = injects[index], injects[index - 1]
            raise ValueError(
                f"inject {index + 1} comes at {format_duration(later.at)}, before inject {index} "
                f"({format_duration(earlier.at)}); list the injects in the order they arrive"
            )
        return injects

    @property
    def length(self) -> timedelta:
        """From the start to the last inject."""
        return self.injects[-1].at
