from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidentbot.changes.severity_history import severity_history
from incidentbot.incident.models import EventKind, Severity, TimelineEvent

START = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)


def _event(minutes: int, kind: EventKind, text: str, *, deleted: bool = False) -> TimelineEvent:
    at = START + timedelta(minutes=minutes)
    return TimelineEvent(
        id=minutes, incident_id=1, occurred_at=at, kind=kind, text=text, deleted_at=at if deleted else None
    )


def test_peak_is_the_most_severe_level_reached_in_time_order() -> None:
    events = [
        _event(65, EventKind.SEVERITY_CHANGED, "Severity changed from SEV-1 to SEV-3"),
        _event(0, EventKind.DECLARED, "Incident declared at SEV-2: Checkout failing"),
        _event(20, EventKind.SEVERITY_CHANGED, "Severity changed from SEV-2 to SEV-1"),
    ]
    history = severity_history(events, Severity.SEV3)
    assert history.declared is Severity.SEV2 and history.peak is Severity.SEV1
    moves = [(c.severity, c.raised) for c in history.changes]
    assert moves == [(Severity.SEV1, True), (Severity.SEV3, False)]


def test_removed_or_rewritten_entries_are_left_out_and_the_current_level_counts() -> None:
    events = [
        _event(0, EventKind.DECLARED, "Incident declared at SEV-3: Checkout failing"),
        _event(10, EventKind.SEVERITY_CHANGED, "Severity changed from SEV-3 to SEV-1", deleted=True),
        _event(20, EventKind.SEVERITY_CHANGED, "Raised after the error rate doubled"),
    ]
    history = severity_history(events, Severity.SEV2)
    assert not history.changed
    assert history.peak is Severity.SEV2, "the incident is SEV-2 now, whatever the entries say"


def test_without_a_declaration_entry_the_first_change_says_where_it_started() -> None:
    events = [_event(5, EventKind.SEVERITY_CHANGED, "Severity changed from SEV-4 to SEV-2")]
    history = severity_history(events, Severity.SEV2)
    assert history.declared is Severity.SEV4 and history.changes[0].raised
