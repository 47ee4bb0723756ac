"""What the page shows, derived from the published incidents alone: no Slack, SQL or templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from incidentbot.status_page.model import (
    Component,
    ComponentState,
    Impact,
    PublicIncident,
    StatusPageConfig,
    worst,
)

BAR_DAYS = 90

INDICATOR_DESCRIPTIONS = {
    Impact.NONE: "All Systems Operational",
    Impact.MAINTENANCE: "Service Under Maintenance",
    Impact.MINOR: "Minor Service Outage",
    Impact.MAJOR: "Partial System Outage",
    Impact.CRITICAL: "Major System Outage",
}


@dataclass(frozen=True)
class DayBar:
    day: date
    state: ComponentState


@dataclass(frozen=True)
class ComponentView:
    component: Component
    state: ComponentState
    updated_at: datetime | None
    bars: tuple[DayBar, ...]

    @property
    def operational_days(self) -> int:
        return sum(1 for bar in self.bars if bar.state is ComponentState.OPERATIONAL)


@dataclass(frozen=True)
class Overview:
    config: StatusPageConfig
    now: datetime
    components: tuple[ComponentView, ...]
    active: tuple[PublicIncident, ...]
    history: tuple[PublicIncident, ...]
    """Every published incident, newest first."""

    @property
    def indicator(self) -> Impact:
        impacts = [i.impact for i in self.active]
        return max(impacts, key=lambda i: i.rank, default=Impact.NONE)

    @property
    def description(self) -> str:
        return INDICATOR_DESCRIPTIONS[self.indicator]

    @property
    def updated_at(self) -> datetime:
        return max((i.updated_at for i in self.history), default=self.now)

    def groups(self) -> list[tuple[str | None, list[ComponentView]]]:
        """Components under their group, in the order the config lists them."""
        grouped: dict[str | None, list[ComponentView]] = {}
        for view in self.components:
            grouped.setdefault(view.component.group, []).append(view)
        return list(grouped.items())


def current_states(config: StatusPageConfig, active: Sequence[PublicIncident]) -> dict[str, ComponentState]:
    """Each component's state: the worst its open incidents' latest updates give it."""
    states: dict[str, list[ComponentState]] = {c.name: [] for c in config.components}
    for incident in active:
        for name, state in incident.latest.components.items():
            states.setdefault(name, []).append(state)
    return {name: worst(found) for name, found in states.items() if name in _names(config)}


def _names(config: StatusPageConfig) -> set[str]:
    return {c.name for c in config.components}


def day_bars(
    name: str, incidents: Sequence[PublicIncident], today: date, zone_now: datetime
) -> tuple[DayBar, ...]:
    """The worst state `name` had each day of the last 90 (days in the page's time zone)."""
    zone = zone_now.tzinfo
    first = today - timedelta(days=BAR_DAYS - 1)
    worst_by_day = {first + timedelta(days=n): ComponentState.OPERATIONAL for n in range(BAR_DAYS)}
    for incident in incidents:
        for start, end, state in _intervals(incident, name, zone_now):
            day = max(start.astimezone(zone).date(), first)
            last = min(end.astimezone(zone).date(), today)
            while day <= last:
                if state.rank > worst_by_day[day].rank:
                    worst_by_day[day] = state
                day += timedelta(days=1)
    return tuple(DayBar(day, state) for day, state in sorted(worst_by_day.items()))


def _intervals(
    incident: PublicIncident, name: str, now: datetime
) -> list[tuple[datetime, datetime, ComponentState]]:
    """When each of the incident's updates held `name` in a state other than operational."""
    chronological = list(reversed(incident.updates))
    ends = [u.published_at for u in chronological[1:]] + [incident.resolved_at or now]
    found: list[tuple[datetime, datetime, ComponentState]] = []
    for update, end in zip(chronological, ends, strict=True):
        state = update.components.get(name, ComponentState.OPERATIONAL)
        if state is not ComponentState.OPERATIONAL and end >= update.published_at:
            found.append((update.published_at, max(end, update.published_at), state))
    return found


def build(config: StatusPageConfig, incidents: Sequence[PublicIncident], now: datetime) -> Overview:
    """The page as of `now` from every published incident (newest first)."""
    active = tuple(i for i in incidents if i.is_open)
    states = current_states(config, active)
    local_now = now.astimezone(config.zone)
    recent = [i for i in incidents if (i.resolved_at or now) >= now - timedelta(days=BAR_DAYS + 1)]
    views = tuple(
        ComponentView(
            component=component,
            state=states.get(component.name, ComponentState.OPERATIONAL),
            updated_at=_last_change(component.name, incidents),
            bars=day_bars(component.name, recent, local_now.date(), local_now),
        )
        for component in config.components
    )
    return Overview(config=config, now=now, components=views, active=active, history=tuple(incidents))


def _last_change(name: str, incidents: Sequence[PublicIncident]) -> datetime | None:
    touched = [i.updated_at for i in incidents if any(name in u.components for u in i.updates)]
    return max(touched, default=None)
