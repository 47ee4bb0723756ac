"""Recording the postmortem's analysis: 5 Whys, contributing factors, what went well."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.wrap_up.analysis_rules import (
    MAX_WHYS,
    AnalysisEntry,
    AnalysisKind,
    FactorCategory,
    FiveWhys,
    latest_five_whys,
)
from incidentbot.wrap_up.ports import NewAnalysisEntry


def add_five_whys(
    services: Services, incident_id: int, problem: str, whys: Sequence[str], root_cause: str, by: str
) -> AnalysisEntry:
    chain = FiveWhys(problem=problem, whys=tuple(w for w in whys if w)[:MAX_WHYS], root_cause=root_cause)
    return _add(services, incident_id, AnalysisKind.FIVE_WHYS, chain.model_dump(mode="json"), by, None)


def add_factor(
    services: Services, incident_id: int, category: FactorCategory, text: str, by: str
) -> AnalysisEntry:
    return _add(services, incident_id, AnalysisKind.FACTOR, {"text": text}, by, category)


def add_went_well(services: Services, incident_id: int, text: str, by: str) -> AnalysisEntry:
    return _add(services, incident_id, AnalysisKind.WENT_WELL, {"text": text}, by, None)


def current_five_whys(services: Services, incident_id: int) -> FiveWhys | None:
    with services.store.transaction() as tx:
        return latest_five_whys(tx.analysis_entries(incident_id))


def _add(
    services: Services,
    incident_id: int,
    kind: AnalysisKind,
    content: dict[str, Any],
    by: str,
    category: FactorCategory | None,
) -> AnalysisEntry:
    now = services.clock.now()
    with services.store.transaction() as tx:
        if tx.get_incident(incident_id) is None:
            raise IncidentNotFound(str(incident_id))
        entry = tx.add_analysis_entry(
            NewAnalysisEntry(
                incident_id=incident_id,
                kind=kind,
                content=content,
                author_id=by,
                created_at=now,
                category=category,
            )
        )
    return entry
