"""Publishing a customer text to the status page, and correcting one: rules over the store port.

A text is published in the transaction that keeps it, so the page never shows a text the team
has no record of, nor misses one it has. Only customer texts of public incidents are published.
"""

from __future__ import annotations

from datetime import datetime

from incidentbot.cadence.ports import NewReminder
from incidentbot.incident.models import Incident
from incidentbot.status_page.model import (
    ComponentState,
    Impact,
    Publication,
    PublishedUpdate,
    impact_of,
)
from incidentbot.status_page.ports import NewPublishedUpdate, StatusPageTransaction
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText

STATUS_PAGE_PROMPT = "status_page_prompt"
"""The reminder kind of the prompt when nothing is public yet (`prompt.py` delivers it)."""


def prompt_reminder(incident_id: int, due_at: datetime) -> NewReminder:
    return NewReminder(
        kind=STATUS_PAGE_PROMPT, due_at=due_at, incident_id=incident_id, subject_id=incident_id
    )


class NotPublishable(Exception):
    """This text may not reach the status page (a private incident, an internal audience)."""


def publish_in(
    tx: StatusPageTransaction,
    incident: Incident,
    text: CommsText,
    publication: Publication,
    next_update_at: datetime | None,
) -> PublishedUpdate:
    """Record `text` as the incident's next public update; NotPublishable when it may not be."""
    if incident.is_private:
        raise NotPublishable("a private incident never reaches the status page")
    if incident.drill:
        raise NotPublishable("a drill never reaches the status page")
    if text.audience is not CommsAudience.CUSTOMER:
        raise NotPublishable(f"{text.audience.value} texts are not public")
    previous = tx.published_impact(incident.id)
    impact = max(
        [impact_of(publication.components), previous or Impact.NONE],
        key=lambda found: found.rank,
    )
    return tx.publish(
        NewPublishedUpdate(
            incident_id=incident.id,
            comms_text_id=text.id,
            name=publication.name,
            stage=text.stage,
            impact=impact,
            body=text.text,
            # A resolution promises no further update.
            next_update_at=next_update_at if text.stage.is_open else None,
            components=dict(publication.components),
            published_at=text.created_at,
        )
    )


def initial_choices(
    components: list[str], latest: PublishedUpdate | None, *, resolving: bool
) -> dict[str, ComponentState]:
    """What the form preselects: the incident's last published states, all operational to resolve."""
    if resolving or latest is None:
        return dict.fromkeys(components, ComponentState.OPERATIONAL)
    return {name: latest.components.get(name, ComponentState.OPERATIONAL) for name in components}
