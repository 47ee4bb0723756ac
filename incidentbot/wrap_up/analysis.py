"""Recording the postmortem's analysis: 5 Whys, contributing factors, what went well.

Each form's submission is the `AddAnalysis` command, journalled before the ack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.wrap_up.analysis_rules import (
    MAX_WHYS,
    AnalysisEntry,
    AnalysisKind,
    FactorCategory,
    FiveWhys,
    latest_five_whys,
)
from incidentbot.wrap_up.ports import NewAnalysisEntry


class AddAnalysis(Command):
    """One entry of the analysis, as its form gave it (see `five_whys`, `factor`, `went_well`)."""

    kind: ClassVar[str] = JournalKind.ANALYSIS
    incident_id: int
    entry: AnalysisKind
    content: dict[str, Any]
    category: FactorCategory | None = None


def five_whys(
    incident_id: int,
    problem: str,
    whys: Sequence[str],
    root_cause: str,
    by: str,
    channel_id: str | None = None,
) -> AddAnalysis:
    chain = FiveWhys(problem=problem, whys=tuple(w for w in whys if w)[:MAX_WHYS], root_cause=root_cause)
    content = chain.model_dump(mode="json")
    return AddAnalysis(
        user_id=by,
        channel_id=channel_id,
        incident_id=incident_id,
        entry=AnalysisKind.FIVE_WHYS,
        content=content,
    )


def factor(
    incident_id: int, category: FactorCategory, text: str, by: str, channel_id: str | None = None
) -> AddAnalysis:
    return AddAnalysis(
        user_id=by,
        channel_id=channel_id,
        incident_id=incident_id,
        entry=AnalysisKind.FACTOR,
        content={"text": text},
        category=category,
    )


def went_well(incident_id: int, text: str, by: str, channel_id: str | None = None) -> AddAnalysis:
    return AddAnalysis(
        user_id=by,
        channel_id=channel_id,
        incident_id=incident_id,
        entry=AnalysisKind.WENT_WELL,
        content={"text": text},
    )


def add(uow: UnitOfWork, command: AddAnalysis) -> AnalysisEntry:
    if uow.tx.get_incident(command.incident_id) is None:
        raise IncidentNotFound(str(command.incident_id))
    return uow.tx.add_analysis_entry(
        NewAnalysisEntry(
            incident_id=command.incident_id,
            kind=command.entry,
            content=command.content,
            author_id=command.user_id,
            created_at=command.received_at or uow.now,
            category=command.category,
        )
    )


ADD = CommandHandler(AddAnalysis, add, tells_the_actor=False)


def current_five_whys(services: Services, incident_id: int) -> FiveWhys | None:
    with services.store.transaction() as tx:
        return latest_five_whys(tx.analysis_entries(incident_id))
