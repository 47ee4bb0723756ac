"""Declaring an incident: record it first, then build its Slack home step by step.

Recording is quick and happens before Slack is acknowledged, so an acknowledged declaration is
never lost. Building the channel is slow and may fail half-way; every step saves its result on
the incident, so `set_up` can be run again and carries on from where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidentbot.domain.commitments import CommitmentSource
from incidentbot.domain.models import EventKind, Incident, Role, SetupState, Severity
from incidentbot.domain.naming import channel_name
from incidentbot.services import commitments
from incidentbot.services.actors import actor_name
from incidentbot.services.context import Services
from incidentbot.services.errors import IncidentNotFound, NameTaken, SlackUnavailable
from incidentbot.services.ports import NewEvent, NewIncident, iter_roles

MAX_NAME_ATTEMPTS = 20


@dataclass(frozen=True)
class Declaration:
    team_id: str
    title: str
    severity: Severity
    impact: str
    declared_by: str
    is_private: bool = False
    commander: str | None = None
    comms: str | None = None
    scribe: str | None = None

    def holders(self) -> dict[Role, str]:
        chosen = {Role.COMMANDER: self.commander or self.declared_by}
        if self.comms:
            chosen[Role.COMMS] = self.comms
        if self.scribe:
            chosen[Role.SCRIBE] = self.scribe
        return chosen


def record(services: Services, declaration: Declaration) -> Incident:
    """Store the incident, its roles, its first commitment and its first timeline entry."""
    now = services.clock.now()
    declarer = actor_name(services, declaration.declared_by)
    with services.store.transaction() as tx:
        incident = tx.add_incident(
            NewIncident(
                team_id=declaration.team_id,
                title=declaration.title,
                severity=declaration.severity,
                impact=declaration.impact,
                is_private=declaration.is_private,
                declared_by=declaration.declared_by,
                declared_at=now,
                next_update_due=services.policy.first_update_due(now),
            )
        )
        for role, user_id in declaration.holders().items():
            tx.assign_role(incident.id, role, user_id, declaration.declared_by, now)
        if incident.next_update_due is not None:
            commitments.open_commitment(
                tx,
                incident.id,
                incident.next_update_due,
                made_by=None,
                at=now,
                source=CommitmentSource.DECLARE,
            )
        tx.add_event(
            NewEvent(
                incident_id=incident.id,
                kind=EventKind.DECLARED,
                text=f"Incident declared at {declaration.severity.label}: {declaration.title}",
                occurred_at=now,
                actor_id=declaration.declared_by,
                actor_name=declarer,
            )
        )
        return incident


def set_up(services: Services, incident_id: int) -> Incident:
    """Create the channel, invite people, post the alert and the pinned summary, announce.

    Safe to call again after a failure: finished steps are skipped.
    """
    try:
        incident = _set_up_steps(services, incident_id)
    except (SlackUnavailable, NameTaken) as failure:
        return _mark_failed(services, incident_id, str(failure) or type(failure).__name__)
    return incident


def _set_up_steps(services: Services, incident_id: int) -> Incident:
    view = services.view_of(incident_id)
    incident = view.incident
    workspace = services.workspace
    if incident.channel_id is None:
        channel_id, name = _create_channel(services, incident)
        incident = _save(
            services, incident.model_copy(update={"channel_id": channel_id, "channel_name": name})
        )
    assert incident.channel_id is not None
    view = services.view_of(incident_id)
    people = sorted({incident.declared_by, *(u for _, u in iter_roles(view.roster))})
    workspace.invite(incident.channel_id, people)
    if incident.summary_ts is None:
        workspace.post_alert(view)
        summary_ts = workspace.post_summary(view)
        incident = _save(services, incident.model_copy(update={"summary_ts": summary_ts}))
    view = services.view_of(incident_id)
    workspace.refresh_summary(view)
    if services.announcement_channel and not incident.is_private and incident.announcement_ts is None:
        ts = workspace.announce(view, services.announcement_channel)
        incident = _save(
            services,
            incident.model_copy(
                update={"announcement_channel_id": services.announcement_channel, "announcement_ts": ts}
            ),
        )
    for role, user_id in iter_roles(view.roster):
        if user_id != incident.declared_by or role is not Role.COMMANDER:
            workspace.send_role_checklist(view, role, user_id)
    return _save(services, incident.model_copy(update={"setup_state": SetupState.READY, "setup_error": None}))


def _create_channel(services: Services, incident: Incident) -> tuple[str, str]:
    for attempt in range(MAX_NAME_ATTEMPTS):
        name = channel_name(services.channel_prefix, incident.number, incident.title, attempt)
        try:
            return services.workspace.create_channel(name, private=incident.is_private), name
        except NameTaken:
            continue
    raise NameTaken(f"every name up to {name} is taken")


def _save(services: Services, incident: Incident) -> Incident:
    with services.store.transaction() as tx:
        return tx.save_incident(incident)


def _mark_failed(services: Services, incident_id: int, reason: str) -> Incident:
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        failed = tx.save_incident(
            incident.model_copy(update={"setup_state": SetupState.FAILED, "setup_error": reason})
        )
        view = services.view(tx, failed)
    try:
        services.workspace.report_setup_failure(view, failed.declared_by, reason)
    except SlackUnavailable:
        pass  # The failure stays recorded on the incident; `/incident retry` finds it.
    return failed


def pending_setups(services: Services, team_id: str) -> list[Incident]:
    with services.store.transaction() as tx:
        return [i for i in tx.open_incidents(team_id) if i.setup_state is not SetupState.READY]


def resume_interrupted(services: Services) -> list[Incident]:
    """Finish setups a stopped process left half-way (a declaration is acknowledged once recorded)."""
    with services.store.transaction() as tx:
        interrupted = tx.interrupted_setups()
    return [set_up(services, incident.id) for incident in interrupted]
