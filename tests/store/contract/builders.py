"""What the contract tests write, built the same way for every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidentbot.incident.models import Incident, Severity
from incidentbot.kernel.ports import NewIncident, Store

NOW = datetime(2026, 3, 14, 14, 2, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class Boom(Exception):
    """Raised inside a transaction to see what it leaves behind."""


def new_incident(team_id: str = "T1", title: str = "Checkout failing", at: datetime = NOW) -> NewIncident:
    return NewIncident(
        team_id=team_id,
        title=title,
        severity=Severity.SEV2,
        impact="EU users cannot pay",
        is_private=False,
        declared_by="U001",
        declared_at=at,
        next_update_due=at + 15 * MINUTE,
    )


def declared(store: Store, team_id: str = "T1", title: str = "Checkout failing") -> Incident:
    with store.transaction() as tx:
        return tx.add_incident(new_incident(team_id, title))
