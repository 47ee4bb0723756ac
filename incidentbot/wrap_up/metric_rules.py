"""How well an incident was communicated, as numbers: computed from plain facts, nothing else.

Time to declare (when the impact start is known), time to first update, the share of
"next update at" promises kept, the longest silence, and the duration.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.changes.severity_history import SeverityHistory

MET = "met"
MISSED = "missed"


@dataclass(frozen=True)
class Silence:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Adherence:
    """The next-update promises that came due, split into kept and missed: they always add up.

    Kept: an update came by the promised time. Missed: the time passed with none. Open,
    superseded and cancelled promises never came due, and a snooze is no promise of its own.
    An update posted when no promise was due counts among the updates posted, not here.
    """

    met: int = 0
    missed: int = 0

    @property
    def settled(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return self.met / self.settled if self.settled else None

    def __add__(self, other: Adherence) -> Adherence:
        return Adherence(self.met + other.met, self.missed + other.missed)


@dataclass(frozen=True)
class IncidentMetrics:
    declared_at: datetime
    end: datetime
    resolved: bool
    updates_posted: int
    adherence: Adherence
    longest_silence: Silence
    nags_sent: int
    time_to_declare: timedelta | None = None
    time_to_first_update: timedelta | None = None
    severity: SeverityHistory | None = None
    """Where the severity went; measured for one incident's texts, not for period statistics."""

    @property
    def duration(self) -> timedelta:
        return self.end - self.declared_at


def time_to_declare(started_at: datetime | None, declared_at: datetime) -> timedelta | None:
    """From the moment impact began to the declaration; None when nobody said when it began."""
    if started_at is None:
        return None
    return max(declared_at - started_at, timedelta(0))


def time_to_first_update(declared_at: datetime, posted: Iterable[datetime]) -> timedelta | None:
    after = [at for at in posted if at >= declared_at]
    return min(after) - declared_at if after else None


def adherence(states: Iterable[str]) -> Adherence:
    kept = list(states)
    return Adherence(met=kept.count(MET), missed=kept.count(MISSED))


def longest_silence(declared_at: datetime, posted: Iterable[datetime], end: datetime) -> Silence:
    """The longest stretch with no update between the declaration and `end` (resolution or now)."""
    end = max(end, declared_at)
    points = [declared_at, *sorted(at for at in posted if declared_at <= at <= end), end]
    gaps = [Silence(start, stop) for start, stop in itertools.pairwise(points)]
    return max(gaps, key=lambda gap: gap.length)


def measure(
    *,
    declared_at: datetime,
    resolved_at: datetime | None,
    now: datetime,
    posted: Sequence[datetime],
    commitment_states: Iterable[str] = (),
    nags_sent: int = 0,
    started_at: datetime | None = None,
    severity: SeverityHistory | None = None,
) -> IncidentMetrics:
    end = resolved_at or now
    return IncidentMetrics(
        declared_at=declared_at,
        end=max(end, declared_at),
        resolved=resolved_at is not None,
        updates_posted=len(posted),
        adherence=adherence(commitment_states),
        longest_silence=longest_silence(declared_at, posted, end),
        nags_sent=nags_sent,
        time_to_declare=time_to_declare(started_at, declared_at),
        time_to_first_update=time_to_first_update(declared_at, posted),
        severity=severity,
    )


@dataclass(frozen=True)
class PeriodMetrics:
    """Several incidents at once: medians of the per-incident numbers, promises pooled."""

    incidents: int
    resolved: int
    without_update: int
    adherence: Adherence
    median_time_to_declare: timedelta | None
    median_time_to_first_update: timedelta | None
    median_longest_silence: timedelta | None
    longest_silence: timedelta | None
    median_duration: timedelta | None
    nags_sent: int


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def summarize(measured: Sequence[IncidentMetrics]) -> PeriodMetrics:
    declares = [m.time_to_declare for m in measured if m.time_to_declare is not None]
    firsts = [m.time_to_first_update for m in measured if m.time_to_first_update is not None]
    silences = [m.longest_silence.length for m in measured]
    pooled = Adherence()
    for m in measured:
        pooled += m.adherence
    return PeriodMetrics(
        incidents=len(measured),
        resolved=sum(1 for m in measured if m.resolved),
        without_update=sum(1 for m in measured if m.updates_posted == 0),
        adherence=pooled,
        median_time_to_declare=_median(declares),
        median_time_to_first_update=_median(firsts),
        median_longest_silence=_median(silences),
        longest_silence=max(silences, default=None),
        median_duration=_median([m.duration for m in measured if m.resolved]),
        nags_sent=sum(m.nags_sent for m in measured),
    )
