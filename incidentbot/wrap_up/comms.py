"""Texts for customers, stakeholders and executives: drafted from facts, checked, kept, posted.

Customer texts are kept in order as the incident's public history; the stakeholder summary and
the executive summary go to the stakeholder channel (the incident channel when none is set).
A submitted text is the `PostCommsText` command, journalled before the ack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import EventKind, Incident, Status
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.wrap_up.action_item_rules import ActionItem
from incidentbot.wrap_up.comms_rules import (
    CommsAudience,
    CommsText,
    DraftFinding,
    StoredFinding,
    comms_text_problem,
    without_next_update_promise,
)
from incidentbot.wrap_up.errors import InvalidCommsText, NotResolvedYet
from incidentbot.wrap_up.metric_rules import IncidentMetrics
from incidentbot.wrap_up.metrics import measure_in
from incidentbot.wrap_up.ports import NewCommsText
from incidentbot.wrap_up.resolution_rules import Resolution

TIMELINE_EXCERPT = 200
CUSTOMER_FALLBACK_CADENCE = timedelta(hours=1)
_EVENT_TEXT = {
    CommsAudience.CUSTOMER: "Customer update ({stage}): {excerpt}",
    CommsAudience.STAKEHOLDER: "Stakeholder summary posted: {excerpt}",
    CommsAudience.EXECUTIVE: "Executive summary posted: {excerpt}",
}


@dataclass(frozen=True)
class DraftFacts:
    """What a draft is written from: the incident, its latest update and how it ended."""

    view: IncidentView
    stage: Status
    latest_update: Update | None
    next_update_at: datetime | None
    resolution: Resolution | None
    metrics: IncidentMetrics
    actions: list[ActionItem]
    latest_customer_text: str | None


def draft_facts(services: Services, incident_id: int, stage: Status | None = None) -> DraftFacts:
    now = services.clock.now()
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        updates = tx.updates(incident_id)
        customer_texts = tx.comms_texts(incident_id, CommsAudience.CUSTOMER)
        latest = updates[-1] if updates else None
        live = tx.live_commitment(incident_id)
        # A snooze moves the reminder to the team, not the promise: the promise it follows was missed.
        next_update = live.due_at if live and live.source is not CommitmentSource.SNOOZE else None
        if incident.is_open and (next_update is None or next_update <= now):
            # Customers are always told when they will hear more, whatever the internal cadence.
            cadence = services.policy.cadence(incident.severity) or CUSTOMER_FALLBACK_CADENCE
            next_update = now + incident.in_its_time(cadence)
        return DraftFacts(
            view=services.view(tx, incident),
            stage=stage or incident.status,
            latest_update=latest,
            next_update_at=next_update if incident.is_open else None,
            resolution=tx.resolution(incident_id),
            metrics=measure_in(tx, incident, now, events=tx.events(incident_id)),
            actions=tx.action_items(incident_id),
            latest_customer_text=_quotable(customer_texts[-1].text) if customer_texts else None,
        )


def _quotable(customer_text: str) -> str | None:
    # Quoted for stakeholders, whose text gives the next-update time once, itself.
    return without_next_update_promise(customer_text) or None


def check_audience_allowed(services: Services, incident_id: int, audience: CommsAudience) -> None:
    """The executive summary comes after the resolution; NotResolvedYet before."""
    if audience is not CommsAudience.EXECUTIVE:
        return
    incident = services.view_of(incident_id).incident
    if incident.is_open:
        raise NotResolvedYet(incident.label)


class PostCommsText(Command):
    """The text form for customers, stakeholders or executives, submitted and checked."""

    kind: ClassVar[str] = JournalKind.COMMS_TEXT
    incident_id: int
    audience: CommsAudience
    text: str
    findings: tuple[StoredFinding, ...] = ()
    draft_findings: tuple[DraftFinding, ...] = ()
    """What the checker found on the drafts reviewed before this one was sent."""
    stage: Status | None = None
    public: dict[str, Any] | None = None
    """What the form chose for the status page (its title, component states, next update), as
    the status page reads it; wrap-up only passes it on."""


@dataclass(frozen=True)
class CustomerTextKept:
    """Announced in the unit of work that keeps a customer text (`UnitOfWork.announce`)."""

    incident: Incident
    text: CommsText
    public: dict[str, Any] | None


def save(uow: UnitOfWork, command: PostCommsText) -> CommsText:
    """Keep the text with the incident, put it on the timeline, and owe its post."""
    text = command.text.strip()
    if problem := comms_text_problem(text):
        raise InvalidCommsText(problem)
    incident = uow.tx.get_incident(command.incident_id)
    if incident is None:
        raise IncidentNotFound(str(command.incident_id))
    if command.audience is CommsAudience.EXECUTIVE and incident.is_open:
        raise NotResolvedYet(incident.label)
    now = command.received_at or uow.now
    kept = uow.tx.add_comms_text(
        NewCommsText(
            incident_id=incident.id,
            audience=command.audience,
            stage=command.stage or incident.status,
            text=text,
            author_id=command.user_id,
            created_at=now,
            findings=command.findings,
            draft_findings=command.draft_findings,
        )
    )
    excerpt = text if len(text) <= TIMELINE_EXCERPT else text[: TIMELINE_EXCERPT - 1] + "…"
    uow.tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.COMMUNICATION,
            text=_EVENT_TEXT[command.audience].format(stage=kept.stage.value, excerpt=excerpt),
            occurred_at=now,
            actor_id=command.user_id,
        )
    )
    if command.audience is CommsAudience.CUSTOMER:
        uow.announce(CustomerTextKept(incident, kept, command.public))
    uow.emit(OutboxKind.COMMS_POST, incident.id, kept.id)
    return kept


SAVE = CommandHandler(PostCommsText, save)


def destination(view: IncidentView, audience: CommsAudience, stakeholder_channel: str | None) -> str:
    """Customer texts go to the incident channel, the others to the stakeholder channel when the
    team has one; a private incident, or a drill, keeps all of them in its own channel."""
    channel = view.incident.channel_id or ""
    incident = view.incident
    if audience is CommsAudience.CUSTOMER or not stakeholder_channel or incident.is_private or incident.drill:
        return channel
    return stakeholder_channel


def history(services: Services, incident_id: int) -> list[CommsText]:
    """The customer texts in the order they were written: the incident's public history."""
    with services.store.transaction() as tx:
        return tx.comms_texts(incident_id, CommsAudience.CUSTOMER)
