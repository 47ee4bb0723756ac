"""Changing an incident's severity or status from its channel.

The change, its channel notice and the summary sync are recorded together; the messages are sent
right after, and DeliveryDelayed tells the person when Slack held the notice up.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.changes.close import close, owe_change
from incidentbot.incident.models import EventKind, Incident, Severity, Status
from incidentbot.kernel import journal, outbox
from incidentbot.kernel.commands import Command, CommandHandler, unit_of_work
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, IncidentNotFound, LoweringNotConfirmed
from incidentbot.kernel.ports import NewEvent, Transaction
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles import authority


class SeverityUnchanged(IncidentError):
    """Asked for the severity the incident already has: nothing to record or announce."""

    code = "changes/severity_unchanged"


class StatusUnchanged(IncidentError):
    """Asked for the status the incident already has: nothing to record or announce."""

    code = "changes/status_unchanged"


class ChangeRequest(BaseModel):
    """`/incident severity …` or `/incident status …`, journalled before the ack."""

    channel_id: str
    user_id: str
    severity: Severity | None = None
    status: Status | None = None
    confirmed: bool = False
    """A lowering of SEV-1/SEV-2 that a person holding no role has confirmed."""
    question_url: str | None = None
    """The confirmation question's response_url: applying the change owes its removal."""


QUESTION_ANSWERED = "lowering_answered"
"""The outbox row that removes the lowering question once it is answered (`subject_id` is the
incident; its payload, the question's response_url)."""


class KeepSeverity(Command):
    """**Keep** on the lowering question: nothing changes but the question, which goes."""

    kind: ClassVar[str] = "apply_keep_severity"
    channel_id: str
    question_url: str


def keep_severity(uow: UnitOfWork, command: KeepSeverity) -> None:
    incident = uow.tx.incident_by_channel(command.channel_id)
    if incident is None:
        raise IncidentNotFound(command.channel_id)
    uow.emit(QUESTION_ANSWERED, incident.id, incident.id, command.question_url)


KEEP_SEVERITY = CommandHandler(KeepSeverity, keep_severity, tells_the_actor=False)


def apply_change(services: Services, request: Reminder) -> Incident:
    """Apply a journalled severity or status change, as of when it was asked for.

    Asking for what the incident already is raises SeverityUnchanged or StatusUnchanged, so the
    person hears that nothing changed instead of silence.
    """
    change = ChangeRequest.model_validate_json(journal.payload(request))
    incident = services.incident_in_channel(change.channel_id)
    at, by = request.due_at, change.user_id
    if change.severity is not None:
        if change.severity is incident.severity:
            raise SeverityUnchanged(incident.severity.label)
        return set_severity(
            services,
            incident.id,
            change.severity,
            by,
            received_at=at,
            request=request,
            confirmed=change.confirmed,
            question_url=change.question_url,
        )
    assert change.status is not None, "a change request names a severity or a status"
    if change.status is incident.status:
        raise StatusUnchanged(incident.status.value)
    return set_status(services, incident.id, change.status, by, received_at=at, request=request)


def lowering_to_confirm(services: Services, channel_id: str, severity: Severity, by: str) -> Incident | None:
    """The incident in `channel_id` when `by`, holding no role, must confirm lowering it to `severity`."""
    with services.store.transaction() as tx:
        incident = tx.incident_by_channel(channel_id)
        roster = tx.roster(incident.id) if incident else None
    if incident is None or roster is None:
        return None  # applying the change explains what is wrong
    rules = services.policy.permissions
    return incident if rules.must_confirm_lowering(roster, incident.severity, severity, by) else None


def set_severity(
    services: Services,
    incident_id: int,
    severity: Severity,
    by: str,
    *,
    received_at: datetime | None = None,
    request: Reminder | None = None,
    confirmed: bool = False,
    question_url: str | None = None,
) -> Incident:
    view = services.view_of(incident_id)
    incident = view.incident
    authority.require_member(services, incident, by)
    if incident.severity is severity:
        journal.settle_alone(services, request)
        return incident
    rules = services.policy.permissions
    if not confirmed and rules.must_confirm_lowering(view.roster, incident.severity, severity, by):
        raise LoweringNotConfirmed(view.roster.commander or "")
    text = f"Severity changed from {incident.severity.label} to {severity.label}"
    changes: dict[str, object] = {"severity": severity}
    kind = EventKind.SEVERITY_CHANGED
    return _apply(services, incident, changes, kind, text, by, received_at, request, question_url)


def set_status(
    services: Services,
    incident_id: int,
    status: Status,
    by: str,
    *,
    received_at: datetime | None = None,
    request: Reminder | None = None,
) -> Incident:
    """Move to `status`; resolving or reopening is refused to those who may not (OnlyCommanderResolves)."""
    incident = services.view_of(incident_id).incident
    authority.require_member(services, incident, by)
    if incident.status is status:
        journal.settle_alone(services, request)
        return incident
    if status is Status.RESOLVED or not incident.is_open:
        with services.store.transaction() as tx:
            authority.require_resolver(tx, services.policy.permissions, incident_id, by)
    changes: dict[str, object] = {"status": status}
    if status is Status.RESOLVED:
        changes["resolved_at"] = received_at or services.clock.now()
        changes["next_update_due"] = None
    elif incident.resolved_at is not None:
        changes["resolved_at"] = None
    text = f"Status changed from {incident.status.value} to {status.value}"
    return _apply(services, incident, changes, EventKind.STATUS_CHANGED, text, by, received_at, request)


def _apply(
    services: Services,
    incident: Incident,
    changes: dict[str, object],
    kind: EventKind,
    text: str,
    by: str,
    received_at: datetime | None,
    request: Reminder | None,
    question_url: str | None = None,
) -> Incident:
    now = received_at or services.clock.now()
    with services.store.transaction() as tx:
        journal.settle(tx, request, services.clock.now())
        uow = unit_of_work(services, tx, now)
        current = tx.get_incident(incident.id, for_update=True) or incident
        if current.is_open and changes.get("status") is Status.RESOLVED:
            changed = close(uow, current, by, now)
        else:
            changed = _change(services, uow, current, changes, kind, text, by)
        if question_url:
            uow.emit(QUESTION_ANSWERED, current.id, current.id, question_url)
    outbox.send_or_explain(services, uow.emitted)
    return changed


def _change(
    services: Services,
    uow: UnitOfWork,
    current: Incident,
    changes: dict[str, object],
    kind: EventKind,
    text: str,
    by: str,
) -> Incident:
    """A change of severity, or of status other than closing: noticed, synced and announced."""
    tx, now = uow.tx, uow.now
    changed = current.model_copy(update=changes)
    if not current.is_open and changed.is_open:
        changed = _promise_per_cadence(services, tx, changed, now, CommitmentSource.REOPEN)
    elif changed.is_open and changed.severity < current.severity:
        changed = _promise_per_cadence(services, tx, changed, now, CommitmentSource.SEVERITY)
    changed = tx.save_incident(changed)
    owe_change(uow, current, changed, kind, text, by, now)
    return changed


def _promise_per_cadence(
    services: Services, tx: Transaction, incident: Incident, now: datetime, source: CommitmentSource
) -> Incident:
    """Owe the policy's promise (first-update rule until an update was posted, then the cadence):
    made with its nag when none is live, pulled in when the live one is later, else kept as it is."""
    due = services.policy.reopened_next_update(
        incident.severity, now, ever_updated=tx.latest_update(incident.id) is not None
    )
    due = commitments.promised(incident, due, now) if due is not None else None
    live = tx.live_commitment(incident.id, for_update=True)
    if due is None or (live is not None and live.due_at <= due):
        return incident
    if live is not None:
        commitments.settle_live(tx, incident.id, CommitmentState.SUPERSEDED, now)
    commitments.open_commitment(tx, incident.id, due, made_by=None, at=now, source=source)
    # On the timeline, so a later "missed the update promised for …" follows a promise it shows.
    promised = commitments.hhmm(due, now)
    moved = f"from {commitments.hhmm(live.due_at, now)} " if live is not None else ""
    text = f"Next update moved {moved}to {promised}" if moved else f"Next update promised for {promised}"
    tx.add_event(NewEvent(incident_id=incident.id, kind=EventKind.COMMITMENT, text=text, occurred_at=now))
    return incident.model_copy(update={"next_update_due": due})
