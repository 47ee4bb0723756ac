"""The communication record of one incident, and of every incident in a recent period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.changes.severity_history import severity_history
from incidentbot.incident.models import EventKind, Incident, TimelineEvent
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.ports import Transaction
from incidentbot.listing import queries
from incidentbot.wrap_up.metric_rules import IncidentMetrics, PeriodMetrics, measure, summarize

STATS_PERIOD = timedelta(days=30)


def measure_in(
    tx: Transaction, incident: Incident, now: datetime, *, events: Sequence[TimelineEvent] | None = None
) -> IncidentMetrics:
    """The incident's measures; given its timeline `events`, also how its severity moved."""
    resolution = tx.resolution(incident.id)
    return measure(
        declared_at=incident.declared_at,
        resolved_at=incident.resolved_at,
        now=now,
        posted=[update.posted_at for update in tx.updates(incident.id)],
        # A snooze moves the reminder, not the promise: the promise it follows is already counted.
        commitment_states=[
            c.state for c in tx.commitments(incident.id) if c.source is not CommitmentSource.SNOOZE
        ],
        nags_sent=tx.count_events(incident.id, EventKind.NAG),
        started_at=resolution.started_at if resolution else None,
        severity=severity_history(events, incident.severity) if events is not None else None,
    )


def incident_metrics(services: Services, incident_id: int) -> tuple[Incident, IncidentMetrics]:
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        return incident, measure_in(tx, incident, services.clock.now())


def period_metrics(
    services: Services, team_id: str, user_id: str, period: timedelta = STATS_PERIOD
) -> PeriodMetrics:
    """Incidents declared in the last `period` (30 days unless told otherwise) that `user_id` may see.

    A private incident counts only for the members of its channel: for anyone else even one more
    in the count would tell that it exists. Drills are practice, and never count.
    """
    now = services.clock.now()
    with services.store.transaction() as tx:
        declared = tx.incidents_declared_since(team_id, now - period)
    real = [incident for incident in declared if not incident.drill]
    shown = [incident for incident in real if queries.may_see(services, incident, user_id)]
    with services.store.transaction() as tx:
        return summarize([measure_in(tx, incident, now) for incident in shown])
