"""The status page's rules: components and their states, impact, stages, the overall status.

Names and enums follow Atlassian Statuspage's public API, so the tools that read those pages
read this one too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidentbot.incident.models import Severity, Status

MAX_COMPONENTS = 80
"""The customer-text form has one select per component; a Slack modal holds at most 100 blocks."""
PUBLIC_NAME_MAX = 150
PROMPTED_SEVERITIES = (Severity.SEV1, Severity.SEV2)


class ComponentState(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"

    @property
    def rank(self) -> int:
        """How bad it is for a customer; the worst state of a day or of several incidents wins."""
        return _STATE_RANK[self]

    @classmethod
    def parse(cls, text: str) -> ComponentState | None:
        return next((state for state in cls if state.value == text), None)


_STATE_RANK = {
    ComponentState.OPERATIONAL: 0,
    ComponentState.UNDER_MAINTENANCE: 1,
    ComponentState.DEGRADED_PERFORMANCE: 2,
    ComponentState.PARTIAL_OUTAGE: 3,
    ComponentState.MAJOR_OUTAGE: 4,
}


class Impact(StrEnum):
    """An incident's impact, and the page's overall indicator (Statuspage's `status.indicator`)."""

    NONE = "none"
    MAINTENANCE = "maintenance"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Impact).index(self)


# As Statuspage derives an incident's impact from the components it affects.
_IMPACT_OF_STATE = {
    ComponentState.OPERATIONAL: Impact.NONE,
    ComponentState.UNDER_MAINTENANCE: Impact.MAINTENANCE,
    ComponentState.DEGRADED_PERFORMANCE: Impact.MINOR,
    ComponentState.PARTIAL_OUTAGE: Impact.MAJOR,
    ComponentState.MAJOR_OUTAGE: Impact.CRITICAL,
}


def impact_of(states: dict[str, ComponentState]) -> Impact:
    return max((_IMPACT_OF_STATE[s] for s in states.values()), key=lambda i: i.rank, default=Impact.NONE)


def worst(states: list[ComponentState]) -> ComponentState:
    return max(states, key=lambda s: s.rank, default=ComponentState.OPERATIONAL)


def stage_of(status: Status) -> Status:
    """The public stage is the incident's status: investigating → identified → monitoring → resolved."""
    return status


class Component(BaseModel):
    """`[[status_page.components]]`: one thing customers use, as they would name it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=75)
    group: str | None = Field(default=None, min_length=1, max_length=75)
    description: str | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: object) -> object:
        # Items of a list get no "did you mean" from the config loader: say what is allowed here.
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(cls.model_fields))):
            known = ", ".join(cls.model_fields)
            raise ValueError(f"unknown key {unknown[0]!r}; a component takes {known}")
        return data

    @property
    def key(self) -> str:
        """A stable id from the name: the form's block id and the API's component id."""
        return component_key(self.name)


def component_key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:12]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=60)
    url: str = Field(pattern=r"^https?://\S+$", max_length=500)


class StatusPageConfig(BaseModel):
    """`[status_page]` in the team config; without components there is no status page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(default="Status", min_length=1, max_length=100)
    logo_url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    """Where the page is read; the API's `page.url` and the feeds' links."""
    links: tuple[Link, ...] = ()
    time_zone: str = "UTC"
    prompt_after_minutes: int = Field(default=5, ge=1, le=120)
    """A SEV-1 or SEV-2 with nothing public this long after it was declared prompts the channel."""
    components: tuple[Component, ...] = Field(default=(), max_length=MAX_COMPONENTS)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin") from None
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> StatusPageConfig:
        names = [c.name.casefold() for c in self.components]
        if duplicate := next((n for n in names if names.count(n) > 1), None):
            raise ValueError(f"component {duplicate!r} is listed twice; give each component its own name")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.components)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def prompt_after(self) -> timedelta:
        return timedelta(minutes=self.prompt_after_minutes)


class Publication(BaseModel):
    """What the author chose in the form, beside the customer text itself."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=PUBLIC_NAME_MAX)
    components: dict[str, ComponentState]
    """Component name → state, for every configured component."""


class PublishedUpdate(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    incident_id: int
    stage: Status
    body: str
    next_update_at: datetime | None
    components: dict[str, ComponentState]
    published_at: datetime
    updated_at: datetime
    """Later than `published_at` when the text was corrected."""

    @property
    def corrected(self) -> bool:
        return self.updated_at > self.published_at

    @property
    def affected(self) -> list[tuple[str, ComponentState]]:
        """The components this update says are not operational, by name."""
        return sorted(
            (name, state)
            for name, state in self.components.items()
            if state is not ComponentState.OPERATIONAL
        )


class PublicIncident(BaseModel):
    """An incident as customers see it: only what was published for it."""

    model_config = ConfigDict(frozen=True)

    id: str
    incident_id: int
    name: str
    stage: Status
    impact: Impact
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    updates: tuple[PublishedUpdate, ...]
    """Newest first."""

    @property
    def is_open(self) -> bool:
        return self.stage.is_open

    @property
    def latest(self) -> PublishedUpdate:
        return self.updates[0]

    @property
    def monitoring_at(self) -> datetime | None:
        return min((u.published_at for u in self.updates if u.stage is Status.MONITORING), default=None)

    def states_at(self, moment: datetime) -> dict[str, ComponentState]:
        """The component states its updates declared at `moment` (none before or after it)."""
        if moment < self.created_at or (self.resolved_at and moment >= self.resolved_at):
            return {}
        current = [u for u in self.updates if u.published_at <= moment]
        return dict(current[0].components) if current else {}


def prompt_due(
    severity: Severity, is_private: bool, declared_at: datetime, config: StatusPageConfig
) -> datetime | None:
    """When to remind the channel that customers have heard nothing yet, or None for no reminder."""
    if not config.enabled or is_private or severity not in PROMPTED_SEVERITIES:
        return None
    return declared_at + config.prompt_after
