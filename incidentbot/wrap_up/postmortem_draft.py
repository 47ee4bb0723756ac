"""Everything a blameless postmortem draft shows, gathered as plain data for a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from incidentbot.incident.models import Incident, Role
from incidentbot.wrap_up.action_item_rules import ActionItem, SmartGap
from incidentbot.wrap_up.analysis_rules import FactorCategory, FiveWhys
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.resolution_rules import Resolution

REVIEW_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    actor: str
    kind: str
    text: str


@dataclass(frozen=True)
class ActionRow:
    number: int
    item: ActionItem
    owner: str
    gaps: tuple[SmartGap, ...]

    @property
    def is_smart(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class PostmortemData:
    incident: Incident
    people: dict[Role, str]
    resolution: Resolution | None
    metrics: IncidentMetrics
    timeline: list[TimelineRow]
    factors: dict[FactorCategory, list[str]]
    five_whys: FiveWhys | None
    went_well: list[str]
    actions: list[ActionRow]
    customer_updates: int
    generated_at: datetime
    review_on: date

    @property
    def not_smart(self) -> list[ActionRow]:
        return [row for row in self.actions if not row.is_smart]


def review_date(resolved_at: datetime | None, now: datetime) -> date:
    """The follow-up review: 30 days after the resolution (or after today while still open)."""
    return ((resolved_at or now) + REVIEW_AFTER).date()
