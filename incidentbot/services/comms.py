"""Texts for customers, stakeholders and executives: drafted from facts, checked, kept, posted.

Customer texts are kept in order as the incident's public history; the stakeholder summary and
the executive summary go to the stakeholder channel (the incident channel when none is set).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from incidentbot.domain.action_items import ActionItem
from incidentbot.domain.commitments import CommitmentSource
from incidentbot.domain.comms import (
    CommsAudience,
    CommsText,
    StoredFinding,
    comms_text_problem,
    without_next_update_promise,
)
from incidentbot.domain.metrics import IncidentMetrics
from incidentbot.domain.models import EventKind, Incident, Status
from incidentbot.domain.resolution import Resolution
from incidentbot.domain.updates import Update
from incidentbot.services.context import Services
from incidentbot.services.errors import IncidentNotFound
from incidentbot.services.metrics import measure_in
from incidentbot.services.ports import IncidentView, NewEvent, Transaction
from incidentbot.services.resolution_errors import InvalidCommsText, NotResolvedYet
from incidentbot.services.resolution_ports import NewCommsText

TIMELINE_EXCERPT = 200
CUSTOMER_FALLBACK_CADENCE = timedelta(hours=1)
_EVENT_TEXT = {
    CommsAudience.CUSTOMER: "Customer update ({stage}): {excerpt}",
    CommsAudience.STAKEHOLDER: "Stakeholder summary posted: {excerpt}",
    CommsAudience.EXECUTIVE: "Executive summary posted: {excerpt}",
}


class Publisher(Protocol):
    """Takes a customer text beyond Slack (the status page), in the transaction that keeps it."""

    def record(self, tx: Transaction, incident: Incident, text: CommsText) -> None: ...

    def published(self) -> None:
        """Called once the text and its publication are committed."""
        ...


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
            next_update = services.policy.suggested_next_update(incident.severity, now) or (
                now + CUSTOMER_FALLBACK_CADENCE
            )
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


def save(
    services: Services,
    incident_id: int,
    audience: CommsAudience,
    text: str,
    author: str,
    *,
    findings: Sequence[StoredFinding] = (),
    stage: Status | None = None,
    stakeholder_channel: str | None = None,
    publisher: Publisher | None = None,
) -> CommsText:
    """Keep the text with the incident, put it on the timeline, and post it where it belongs."""
    text = text.strip()
    if problem := comms_text_problem(text):
        raise InvalidCommsText(problem)
    check_audience_allowed(services, incident_id, audience)
    now = services.clock.now()
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        kept = tx.add_comms_text(
            NewCommsText(
                incident_id=incident_id,
                audience=audience,
                stage=stage or incident.status,
                text=text,
                author_id=author,
                created_at=now,
                findings=tuple(findings),
            )
        )
        excerpt = text if len(text) <= TIMELINE_EXCERPT else text[: TIMELINE_EXCERPT - 1] + "…"
        tx.add_event(
            NewEvent(
                incident_id=incident_id,
                kind=EventKind.COMMUNICATION,
                text=_EVENT_TEXT[audience].format(stage=kept.stage.value, excerpt=excerpt),
                occurred_at=now,
                actor_id=author,
            )
        )
        if publisher is not None and audience is CommsAudience.CUSTOMER:
            publisher.record(tx, incident, kept)
        view = services.view(tx, incident)
    if publisher is not None:
        publisher.published()
    channel = _destination(view, audience, stakeholder_channel)
    ts = services.workspace.post_comms_text(view, kept, channel)
    with services.store.transaction() as tx:
        tx.set_comms_message(kept.id, ts)
    return kept.model_copy(update={"message_ts": ts})


def _destination(view: IncidentView, audience: CommsAudience, stakeholder_channel: str | None) -> str:
    channel = view.incident.channel_id or ""
    # A private incident stays in its own channel.
    if audience is CommsAudience.CUSTOMER or not stakeholder_channel or view.incident.is_private:
        return channel
    return stakeholder_channel


def history(services: Services, incident_id: int) -> list[CommsText]:
    """The customer texts in the order they were written: the incident's public history."""
    with services.store.transaction() as tx:
        return tx.comms_texts(incident_id, CommsAudience.CUSTOMER)
