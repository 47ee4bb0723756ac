"""The debrief's scorecard: how the team communicated during the drill, in the scenario's time.

The numbers are the ones the postmortem and `/incident stats` compute (`wrap_up/metrics.py`:
time to first update, promises kept, longest silence), measured on the drill's incident and
multiplied by the time scale, so a drill run 60 times faster is held to the same 15-minute rule.
Each required artifact is looked for in what the bot already records, from the inject that asked
for it: done by its deadline, late, or missing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from incidentbot.drills.ports import DrillInject, DrillRun
from incidentbot.drills.replies import held_at
from incidentbot.drills.scenario import Artifact, Requirement
from incidentbot.drills.sql_store import drills_of
from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import Store, Transaction
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.metrics import measure_in

FIRST_UPDATE_RULE = timedelta(minutes=15)
CAPTURED_SOURCES = frozenset({"reaction", "shortcut", "note", "handoff"})
"""Timeline entries a person made (the bot's own entries are `auto`)."""


class Outcome(StrEnum):
    DONE = "done"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class ArtifactResult:
    inject_number: int
    requirement: Requirement
    due_at: datetime
    done_at: datetime | None
    outcome: Outcome
    after: timedelta | None
    """From the inject to the artifact, in scenario time."""
    by: str | None = None
    """Who replied (a reply only)."""
    late_after: timedelta | None = None
    """A reply that came after its deadline: how long after the inject (it counts as missing)."""
    other: str | None = None
    """Someone who answered in the inject's thread without holding the role asked."""


@dataclass(frozen=True)
class TextChecked:
    audience: str
    at: timedelta
    """When it was posted, from the start, in scenario time."""
    findings: int
    """On the text as posted."""
    drafted: int = 0
    """On its drafts, sent back for review before it was posted."""
    fixed: int = 0
    """Of those, how many the posted text no longer has."""


@dataclass(frozen=True)
class Scorecard:
    incident_id: int
    drill: DrillRun
    time_to_first_update: timedelta | None
    first_update_on_time: bool
    promises_kept: int
    promises_missed: int
    longest_silence: timedelta
    artifacts: tuple[ArtifactResult, ...]
    texts: tuple[TextChecked, ...]
    prompts: tuple[str, ...]
    """Keys of the discussion prompts (`templates/drills/prompts.j2`), most pressing first."""
    previous: tuple[Scorecard, ...] = ()

    @property
    def done(self) -> int:
        return sum(1 for a in self.artifacts if a.outcome is Outcome.DONE)

    @property
    def late(self) -> int:
        return sum(1 for a in self.artifacts if a.outcome is Outcome.LATE)

    @property
    def missing(self) -> int:
        return sum(1 for a in self.artifacts if a.outcome is Outcome.MISSING)


def scorecard_of(store: Store, incident_id: int) -> Scorecard | None:
    """The scorecard of an ended drill, with the team's earlier runs of the same scenario."""
    with store.transaction() as tx:
        records = drills_of(tx)
        drill = records.run(incident_id)
        if drill is None or drill.ended_at is None:
            return None
        earlier = [
            card
            for other in records.runs_of(drill.team_id, drill.scenario.name)
            if other.ended_at is not None and other.started_at < drill.started_at
            if (card := _score(tx, other)) is not None
        ]
        card = _score(tx, drill)
    if card is None:
        return None
    return replace(card, previous=tuple(earlier))


def _score(tx: Transaction, drill: DrillRun) -> Scorecard | None:
    incident = tx.get_incident(drill.incident_id)
    if incident is None or drill.ended_at is None:
        return None
    metrics = measure_in(tx, incident, drill.ended_at)
    injects = drills_of(tx).injects(drill.incident_id)
    artifacts = tuple(_artifacts(tx, drill, injects))
    texts = tuple(
        TextChecked(
            t.audience.value,
            _scenario_time(drill, t.created_at - drill.started_at),
            len(t.findings),
            len(t.draft_findings),
            t.fixed_before_posting,
        )
        for t in tx.comms_texts(drill.incident_id)
    )
    first = _scaled_or_none(drill, metrics.time_to_first_update)
    on_time = first is not None and first <= FIRST_UPDATE_RULE
    card = Scorecard(
        incident_id=drill.incident_id,
        drill=drill,
        time_to_first_update=first,
        first_update_on_time=on_time,
        promises_kept=metrics.adherence.met,
        promises_missed=metrics.adherence.missed,
        longest_silence=_scenario_time(drill, metrics.longest_silence.length),
        artifacts=artifacts,
        texts=texts,
        prompts=(),
    )
    return replace(card, prompts=prompts(card, metrics))


def prompts(card: Scorecard, metrics: IncidentMetrics) -> tuple[str, ...]:
    """Two or three questions for the debrief, from what went wrong first, then the usual ones."""
    found: list[str] = []
    if not card.first_update_on_time:
        found.append("first_update")
    if any(a.outcome is Outcome.MISSING and a.requirement.artifact is Artifact.REPLY for a in card.artifacts):
        found.append("reply_missing")
    if any(a.outcome is Outcome.MISSING for a in card.artifacts) and "reply_missing" not in found:
        found.append("artifact_missing")
    if card.promises_missed or card.longest_silence > FIRST_UPDATE_RULE:
        found.append("silence")
    if any(text.findings for text in card.texts):
        found.append("findings")
    found += ["confusing", "one_change"]
    return tuple(found[:3])


def _artifacts(tx: Transaction, drill: DrillRun, injects: list[DrillInject]) -> list[ArtifactResult]:
    results = []
    for inject in injects:
        if inject.delivered_at is None:
            continue
        for requirement in inject.requires:
            if requirement.artifact is Artifact.REPLY:
                results.append(_reply(tx, drill, inject, inject.delivered_at, requirement))
                continue
            due = inject.delivered_at + requirement.within / drill.scale
            done_at = _first_after(tx, drill, requirement, inject.delivered_at)
            if done_at is None or (drill.ended_at and done_at > drill.ended_at):
                outcome, done_at = Outcome.MISSING, None
            else:
                outcome = Outcome.DONE if done_at <= due else Outcome.LATE
            after = _scenario_time(drill, done_at - inject.delivered_at) if done_at else None
            results.append(ArtifactResult(inject.number, requirement, due, done_at, outcome, after))
    return results


def _first_after(
    tx: Transaction, drill: DrillRun, requirement: Requirement, since: datetime
) -> datetime | None:
    seen = _evidence(tx, drill, requirement)
    if requirement.artifact is Artifact.ROLE_FILLED and any(at < since for at in seen):
        return since  # filled before it was asked for
    times = [at for at in seen if at >= since]
    return min(times) if times else None


def _evidence(tx: Transaction, drill: DrillRun, requirement: Requirement) -> list[datetime]:
    """When the bot saw the artifact asked for: its own records, nothing read from Slack again."""
    incident_id, artifact = drill.incident_id, requirement.artifact
    if artifact is Artifact.INTERNAL_UPDATE:
        return [update.posted_at for update in tx.updates(incident_id)]
    if artifact is Artifact.CUSTOMER_TEXT:
        return [text.created_at for text in tx.comms_texts(incident_id, CommsAudience.CUSTOMER)]
    if artifact is Artifact.TIMELINE_ENTRY:
        return [
            event.recorded_at or event.occurred_at
            for event in tx.events(incident_id)
            if event.source in CAPTURED_SOURCES and event.deleted_at is None
        ]
    if artifact is Artifact.SEVERITY_CHANGE:
        return [e.occurred_at for e in tx.events(incident_id) if e.kind is EventKind.SEVERITY_CHANGED]
    if artifact is Artifact.ROLE_FILLED:
        return [a.started_at for a in tx.role_history(incident_id) if a.role is requirement.role]
    return []  # a reply is scored from the messages answering its inject (`_reply`)


def _reply(
    tx: Transaction, drill: DrillRun, inject: DrillInject, since: datetime, requirement: Requirement
) -> ArtifactResult:
    """The first message answering the inject from whoever held the role as they wrote it: done
    by the deadline, else missing (saying when a late one came)."""
    due = since + requirement.within / drill.scale
    history = tx.role_history(drill.incident_id)
    answers = [r for r in drills_of(tx).replies(drill.incident_id) if r.inject_id == inject.id]
    from_role = [r for r in answers if requirement.role in held_at(history, r.user_id, r.posted_at)]
    first = from_role[0] if from_role else None
    other = next((r.user_id for r in answers if r not in from_role), None) if first is None else None
    if first is not None and first.posted_at <= due:
        after = _scenario_time(drill, first.posted_at - since)
        return ArtifactResult(
            inject.number, requirement, due, first.posted_at, Outcome.DONE, after, first.user_id
        )
    late = _scenario_time(drill, first.posted_at - since) if first is not None else None
    by = first.user_id if first is not None else None
    return ArtifactResult(inject.number, requirement, due, None, Outcome.MISSING, None, by, late, other)


def _scenario_time(drill: DrillRun, real: timedelta) -> timedelta:
    return real * drill.scale


def _scaled_or_none(drill: DrillRun, real: timedelta | None) -> timedelta | None:
    return None if real is None else _scenario_time(drill, real)
