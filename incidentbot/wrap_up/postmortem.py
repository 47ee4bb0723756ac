"""Gathering the blameless postmortem draft: the record, the analysis and the action items.

`gather` needs only the store, so the command line can print a draft without Slack;
`gather_in_slack` names people the way Slack knows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from incidentbot.incident.models import TimelineEvent
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound, SlackUnavailable
from incidentbot.kernel.ports import Store, iter_roles
from incidentbot.wrap_up.analysis_rules import AnalysisKind, factors_by_category, latest_five_whys
from incidentbot.wrap_up.comms_rules import CommsAudience
from incidentbot.wrap_up.metrics import measure_in
from incidentbot.wrap_up.postmortem_draft import ActionRow, PostmortemData, TimelineRow, review_date

BOT_NAME = "incidentbot"
NameOf = Callable[[str], str]


def gather(store: Store, incident_id: int, now: datetime, name_of: NameOf = str) -> PostmortemData:
    names = _Names(name_of)
    with store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        roster = tx.roster(incident_id)
        events = tx.events(incident_id)
        entries = tx.analysis_entries(incident_id)
        actions = tx.action_items(incident_id)
        metrics = measure_in(tx, incident, now, events=events)
        resolution = tx.resolution(incident_id)
        customer_texts = len(tx.comms_texts(incident_id, CommsAudience.CUSTOMER))
    return PostmortemData(
        incident=incident,
        people={role: names(user) for role, user in iter_roles(roster)},
        resolution=resolution,
        metrics=metrics,
        timeline=[_row(event, names) for event in events],
        factors={
            category: [entry.text for entry in found]
            for category, found in factors_by_category(entries).items()
        },
        five_whys=latest_five_whys(entries),
        went_well=[e.text for e in entries if e.kind is AnalysisKind.WENT_WELL],
        actions=[
            ActionRow(
                number=index,
                item=item,
                owner=names(item.owner_id) if item.owner_id else "",
                gaps=tuple(item.smart_gaps),
            )
            for index, item in enumerate(actions, start=1)
        ],
        customer_updates=customer_texts,
        generated_at=now,
        review_on=review_date(incident.resolved_at, now),
    )


def gather_in_slack(services: Services, incident_id: int) -> PostmortemData:
    return gather(services.store, incident_id, services.clock.now(), _slack_name(services))


def _row(event: TimelineEvent, names: _Names) -> TimelineRow:
    if event.actor_name:
        actor = event.actor_name
    elif event.actor_id:
        actor = names(event.actor_id)
    else:
        actor = BOT_NAME
    return TimelineRow(at=event.occurred_at, actor=actor, kind=event.kind.value, text=event.text)


class _Names:
    """Looks each person up once per draft, however long the timeline."""

    def __init__(self, name_of: NameOf) -> None:
        self._name_of = name_of
        self._known: dict[str, str] = {}

    def __call__(self, user_id: str) -> str:
        if user_id not in self._known:
            self._known[user_id] = self._name_of(user_id)
        return self._known[user_id]


def _slack_name(services: Services) -> NameOf:
    def name_of(user_id: str) -> str:
        try:
            person = services.workspace.person(user_id)
        except SlackUnavailable:
            return user_id
        return person.name if person else user_id

    return name_of
