"""The communication counts of one incident never contradict each other."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence import post_update, snooze
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.clock import ManualClock
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.wrap_up import metrics
from tests.support.declarations import declared


def _post(
    services: Services, incident_id: int, next_in: timedelta | None, severity: Severity = Severity.SEV1
) -> None:
    now = services.clock.now()
    draft = UpdateDraft(
        status=Status.INVESTIGATING,
        severity=severity,
        theory="Still looking at the gateway",
        next_update_at=now + next_in if next_in else None,
    )
    commands.execute(
        services,
        post_update.POST_UPDATE,
        post_update.PostUpdate(user_id="U001", incident_id=incident_id, draft=draft),
        None,
    )


def test_a_late_update_after_a_snooze_counts_once_as_late(services: Services) -> None:
    incident = declared(services)
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=16))  # the first update was due at 15 min
    with services.store.transaction() as tx:
        missed = tx.live_commitment(incident.id)
    assert missed is not None
    commands.execute(
        services,
        snooze.SNOOZE,
        snooze.SnoozeNextUpdate(user_id="U001", commitment_id=missed.id, minutes=5),
        None,
    )
    services.clock.advance(timedelta(minutes=2))
    _post(services, incident.id, timedelta(minutes=30))

    _, measured = metrics.incident_metrics(services, incident.id)
    assert measured.updates_posted == 1
    assert (measured.adherence.met, measured.adherence.missed) == (0, 1), "one promise, broken once"


def test_promises_kept_and_missed_add_up_to_those_that_came_due(services: Services) -> None:
    incident = declared(services)
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=10))
    _post(services, incident.id, timedelta(minutes=30))  # keeps the first promise
    services.clock.advance(timedelta(minutes=45))
    _post(services, incident.id, timedelta(minutes=30))  # 15 minutes after the promised time

    _, measured = metrics.incident_metrics(services, incident.id)
    assert measured.updates_posted == 2
    assert (measured.adherence.met, measured.adherence.missed) == (1, 1)
    assert measured.adherence.settled == 2


def test_an_update_with_no_promise_due_counts_only_as_posted(services: Services) -> None:
    incident = declared(services, severity=Severity.SEV3)
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=5))
    _post(services, incident.id, None, Severity.SEV3)  # keeps the first promise; promises no more
    services.clock.advance(timedelta(minutes=50))
    _post(services, incident.id, None, Severity.SEV3)  # no promise was due

    _, measured = metrics.incident_metrics(services, incident.id)
    assert measured.updates_posted == 2
    assert (measured.adherence.met, measured.adherence.missed) == (1, 0)
