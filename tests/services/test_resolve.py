from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.changes import service as changes
from incidentbot.clock import ManualClock
from incidentbot.incident.models import EventKind, Status
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.wrap_up import metrics, resolve
from incidentbot.wrap_up.errors import AlreadyResolved
from tests.support import wrap_up
from tests.support.comms_rows import add_commitment, add_nag, add_update
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace

FIXED = resolve.ResolutionInput(
    fix="Rolled back the gateway configuration",
    customer_impact="Customers in Europe could not log in",
    users_affected=1200,
)


def _declared(services: Services) -> int:
    return declared(services, title="Login failing", impact="Users cannot log in", comms="U002").id


def _clock(services: Services) -> ManualClock:
    assert isinstance(services.clock, ManualClock)
    return services.clock


def test_resolve_records_closes_posts_and_offers_the_postmortem(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _declared(services)
    start = services.clock.now()
    add_update(store, incident_id, start + timedelta(minutes=10))
    add_commitment(store, incident_id, start + timedelta(minutes=15), "met")
    add_nag(store, incident_id, start + timedelta(minutes=41))
    _clock(services).advance(timedelta(minutes=45))
    workspace.calls.clear()

    started = start - timedelta(minutes=8)
    given = resolve.ResolutionInput(**{**vars(FIXED), "started_at": started})
    resolution = wrap_up.resolve(services, incident_id, given, "U001")

    incident = services.view_of(incident_id).incident
    assert incident.status is Status.RESOLVED
    assert incident.resolved_at == resolution.resolved_at == start + timedelta(minutes=45)
    assert store.resolution(incident_id) == resolution
    assert workspace.names() == [
        "post_change",
        "refresh_summary",
        "refresh_announcement",
        "post_resolution",
        "offer_postmortem",
    ]
    _, measured = workspace.calls[3][1]
    assert measured.duration == timedelta(minutes=45)
    assert measured.time_to_declare == timedelta(minutes=8)
    assert measured.time_to_first_update == timedelta(minutes=10)
    assert measured.nags_sent == 1
    assert workspace.calls[4] == ("offer_postmortem", "U001")
    kinds = [e.kind for e in store.events(incident_id)]
    assert kinds[-2:] == [EventKind.STATUS_CHANGED, EventKind.RESOLVED]


def test_resolving_twice_is_refused_and_changes_nothing(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _declared(services)
    first = wrap_up.resolve(services, incident_id, FIXED, "U001")
    workspace.calls.clear()
    _clock(services).advance(timedelta(minutes=5))
    with pytest.raises(AlreadyResolved) as refused:
        wrap_up.resolve(services, incident_id, resolve.ResolutionInput("Other", "Other"), "U002")
    assert refused.value.detail == "#1"
    assert store.resolution(incident_id) == first
    assert workspace.calls == []


def test_resolve_without_any_update_still_works_and_says_so(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident_id = _declared(services)
    _clock(services).advance(timedelta(minutes=30))
    wrap_up.resolve(services, incident_id, FIXED, "U001")
    resolution, measured = next(payload for name, payload in workspace.calls if name == "post_resolution")
    assert resolution.resolved_by == "U001"
    assert measured.updates_posted == 0
    assert measured.time_to_first_update is None
    assert measured.longest_silence.length == timedelta(minutes=30)


def test_an_incident_closed_by_status_gets_its_resolution_recorded_once(
    services: Services, store: MemoryStore
) -> None:
    incident_id = _declared(services)
    closed = changes.set_status(services, incident_id, Status.RESOLVED, "U001")
    _clock(services).advance(timedelta(minutes=20))
    resolution = wrap_up.resolve(services, incident_id, FIXED, "U001")
    assert resolution.resolved_at == closed.resolved_at
    with pytest.raises(AlreadyResolved):
        resolve.check_resolvable(services, incident_id, "U001")


def test_a_reopened_incident_can_be_resolved_again(services: Services, store: MemoryStore) -> None:
    incident_id = _declared(services)
    wrap_up.resolve(services, incident_id, FIXED, "U001")
    changes.set_status(services, incident_id, Status.INVESTIGATING, "U001")
    _clock(services).advance(timedelta(hours=1))
    again = wrap_up.resolve(
        services, incident_id, resolve.ResolutionInput("Second fix", "Same users"), "U001"
    )
    assert store.resolution(incident_id) == again
    assert again.fix == "Second fix"
    assert services.view_of(incident_id).incident.status is Status.RESOLVED


def test_resolve_a_missing_incident(services: Services) -> None:
    with pytest.raises(IncidentNotFound):
        wrap_up.resolve(services, 99, FIXED, "U001")


def test_a_slack_failure_after_the_status_change_keeps_the_resolution(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _declared(services)
    workspace.failing.add("post_change")
    with pytest.raises(Exception, match="post_change"):
        wrap_up.resolve(services, incident_id, FIXED, "U001")
    assert store.resolution(incident_id) is not None
    assert "post_resolution" in workspace.names()


def test_period_metrics_cover_incidents_declared_in_the_last_30_days(
    services: Services, store: MemoryStore
) -> None:
    old = _declared(services)
    add_update(store, old, services.clock.now() + timedelta(minutes=3))
    _clock(services).advance(timedelta(days=31))
    recent = _declared(services)
    add_update(store, recent, services.clock.now() + timedelta(minutes=20))
    add_commitment(store, recent, services.clock.now() + timedelta(minutes=30), "missed")
    _clock(services).advance(timedelta(hours=1))
    wrap_up.resolve(services, recent, FIXED, "U001")
    period = metrics.period_metrics(services, "T1", "U001")
    assert period.incidents == 1
    assert period.median_time_to_first_update == timedelta(minutes=20)
    assert (period.adherence.met, period.adherence.missed) == (0, 1)
    assert period.median_duration == timedelta(hours=1)
    assert old != recent
