"""Telling the person who added a note, a marked message, an action item, an update or a
declaration what the communication checker found in it, after it is saved
(`checker/checked_records.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from incidentbot.checker import Audience, checked_records, checking
from incidentbot.checker.checked_records import Added, Labelled
from incidentbot.incident.models import Incident
from incidentbot.kernel.errors import SlackUnavailable
from incidentbot.slack.listeners.checker_context import team_checker_config
from incidentbot.slack.listeners.deps import Deps

FINDINGS_SHOWN = 10
Then = Literal["timeline", "action", "update", "declare"]
"""Where the text was saved, which says how it can be reworded."""


def tell_findings(
    deps: Deps, channel_id: str | None, user_id: str, incident_id: int, added: Sequence[Added], then: Then
) -> None:
    """An ephemeral note to `user_id` with each finding and its suggestion; nothing when clean."""
    config = team_checker_config(deps, after_the_answer=True)
    _tell(
        deps,
        channel_id,
        user_id,
        checked_records.findings_on(deps.services, incident_id, added, config),
        then,
    )


def tell_declared(deps: Deps, incident: Incident) -> None:
    """The declarer told what the checker found in the title and impact, once the channel is set
    up: both head the alert, the summary and the postmortem.

    The text is checked as declared, knowing the declarer by name as the timeline's one entry
    does; the incident is read again, for its channel, only when there is something to say.
    """
    label = deps.renderer.label
    typed = [
        Added(incident.title, Audience.INTERNAL, label("declare.title_label")),
        Added(incident.impact, Audience.INTERNAL, label("declare.impact_label")),
    ]
    config = team_checker_config(deps, after_the_answer=True).extended(names=_declarer(deps, incident))
    found = checked_records.findings_known(typed, config)
    if found:
        channel_id = deps.services.view_of(incident.id).incident.channel_id
        _tell(deps, channel_id, incident.declared_by, found, "declare")


def _declarer(deps: Deps, incident: Incident) -> tuple[str, ...]:
    try:
        person = deps.services.workspace.person(incident.declared_by)
    except SlackUnavailable:
        return ()
    return checking.names_of([person.name if person else None])


def _tell(deps: Deps, channel_id: str | None, user_id: str, found: list[Labelled], then: Then) -> None:
    if not found:
        return
    labelled = [{"field": field, "finding": finding} for field, finding in found]
    text = deps.renderer.render(
        "checker/added.j2", findings=labelled, shown=labelled[:FINDINGS_SHOWN], then=then
    )
    deps.tell(channel_id, user_id, text)
