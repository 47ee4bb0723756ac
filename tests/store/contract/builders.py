"""What the contract tests write, built the same way for every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.cadence.ports import NewCommitment
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


def promise(incident_id: int, due_minutes: int, made_minutes: int = 0) -> NewCommitment:
    """A next-update promise due `due_minutes` after NOW, made `made_minutes` after it."""
    return NewCommitment(
        incident_id=incident_id,
        due_at=NOW + due_minutes * MINUTE,
        made_by="U002",
        made_at=NOW + made_minutes * MINUTE,
        source=CommitmentSource.UPDATE,
    )
