"""The permission rules of `domain.permissions`, checked inside the unit of work that acts on them."""

from __future__ import annotations

from incidentbot.domain.permissions import Permissions
from incidentbot.services.ports import Transaction
from incidentbot.services.resolution_errors import OnlyCommanderResolves


def require_resolver(tx: Transaction, permissions: Permissions, incident_id: int, by: str) -> None:
    """OnlyCommanderResolves unless `by` may resolve (or reopen) this incident."""
    roster = tx.roster(incident_id)
    if not permissions.may_resolve(roster, by):
        raise OnlyCommanderResolves(roster.commander or "")
