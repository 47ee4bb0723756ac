"""How an incident's severity moved: declared at one level, raised or lowered on the way.

Read from the timeline's own entries for the declaration and each severity change, so the
postmortem and the resolution post name the worst the incident got, not only where it ended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from incidentbot.incident.models import EventKind, Severity, TimelineEvent

_DECLARED_AT = re.compile(r"\bdeclared at (SEV-[1-4])\b", re.I)
_CHANGED_FROM = re.compile(r"\bfrom (SEV-[1-4])\b", re.I)
_CHANGED_TO = re.compile(r"\bto (SEV-[1-4])\b", re.I)


@dataclass(frozen=True)
class SeverityChange:
    at: datetime
    severity: Severity
    raised: bool
    """True when it became more severe (a lower number)."""


@dataclass(frozen=True)
class SeverityHistory:
    declared: Severity
    changes: tuple[SeverityChange, ...]
    current: Severity

    @property
    def peak(self) -> Severity:
        """The most severe level it reached (SEV-1 is the most severe)."""
        return min((self.declared, self.current, *(c.severity for c in self.changes)))

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def severity_history(events: Iterable[TimelineEvent], current: Severity) -> SeverityHistory:
    """The declared level and every change, in time order; entries removed from the timeline are left out.

    An entry whose text no longer names a level (a person rewrote it) is skipped, and the
    incident's current severity always counts.
    """
    declared: Severity | None = None
    changes: list[SeverityChange] = []
    kept = sorted((e for e in events if e.deleted_at is None), key=lambda e: e.occurred_at)
    for event in kept:
        if event.kind is EventKind.DECLARED and declared is None:
            declared = _named(_DECLARED_AT, event.text)
        elif event.kind is EventKind.SEVERITY_CHANGED and (level := _named(_CHANGED_TO, event.text)):
            declared = declared or _named(_CHANGED_FROM, event.text)
            before = changes[-1].severity if changes else declared
            changes.append(SeverityChange(event.occurred_at, level, before is not None and level < before))
    return SeverityHistory(declared=declared or current, changes=tuple(changes), current=current)


def _named(pattern: re.Pattern[str], text: str) -> Severity | None:
    match = pattern.search(text)
    return Severity.parse(match.group(1)) if match else None
