"""Changing an incident's severity or status, and answering the lowering question, as commands.

`/incident severity …`, `/incident status …` and **Lower** on the lowering question are one
command, `ChangeIncident`, journalled before the ack as `apply_change`; **Keep** is
`KeepSeverity`. Applying a change records it, its timeline entry, its channel notice and the
summary sync in one unit of work, as of when it was asked; the messages are sent after the commit.
A row journalled as `changes.ChangeRequest` by earlier versions has the same fields and replays
as this command.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.changes.close import close, owe_change
from incidentbot.incident.models import EventKind, Incident, Severity, Status
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.errors import (
    IncidentError,
    IncidentNotFound,
    LoweringNotConfirmed,
    NotAnIncidentChannel,
)
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles import authority


class SeverityUnchanged(IncidentError):
    """Asked for the severity the incident already has: nothing to record or announce."""

    code = "changes/severity_unchanged"


class StatusUnchanged(IncidentError):
    """Asked for the status the incident already has: nothing to record or announce."""

    code = "changes/status_unchanged"


QUESTION_ANSWERED = "lowering_answered"
"""The outbox row that removes the lowering question once it is answered (`subject_id` is the
incident; its payload, the question's response_url)."""


class ChangeIncident(Command):
    """`/incident severity …`, `/incident status …`, or **Lower** on the lowering question."""

    kind: ClassVar[str] = JournalKind.CHANGE
    incident_id: int | None = None
    """The incident changed, when it is named by number rather than by the channel asked in."""
    severity: Severity | None = None
    status: Status | None = None
    confirmed: bool = False
    """A lowering of SEV-1/SEV-2 that a person holding no role has confirmed."""
    question_url: str | None = None
    """The confirmation question's response_url: applying the change owes its removal."""


def change_incident(uow: UnitOfWork, asked: ChangeIncident) -> Incident:
    """Apply a severity or status change as of when it was asked for.

    Asking for what the incident already is raises SeverityUnchanged or StatusUnchanged, so the
    person hears that nothing changed instead of silence.
    """
    found = _incident(uow, asked)
    _require_a_change(found, asked)
    # Asked of Slack before the incident is locked, so no other change to it waits on Slack.
    authority.require_member_in(uow, found, asked.user_id)
    incident = uow.tx.get_incident(found.id, for_update=True) or found
    _require_a_change(incident, asked)
    at = asked.received_at or uow.now
    if asked.severity is not None:
        changed = _change_severity(uow, incident, asked.severity, asked, at)
    else:
        assert asked.status is not None, "a change names a severity or a status"
        changed = _change_status(uow, incident, asked.status, asked.user_id, at)
    if asked.question_url:
        uow.emit(QUESTION_ANSWERED, incident.id, incident.id, asked.question_url)
    return changed


CHANGE = CommandHandler(ChangeIncident, change_incident)


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


def _incident(uow: UnitOfWork, asked: ChangeIncident) -> Incident:
    if asked.incident_id is not None:
        found = uow.tx.get_incident(asked.incident_id)
        if found is None:
            raise IncidentNotFound(str(asked.incident_id))
        return found
    found = uow.tx.incident_by_channel(asked.channel_id or "")
    if found is None:
        raise NotAnIncidentChannel(asked.channel_id or "")
    return found


def _require_a_change(incident: Incident, asked: ChangeIncident) -> None:
    if asked.severity is not None and asked.severity is incident.severity:
        raise SeverityUnchanged(incident.severity.label)
    if asked.severity is None and asked.status is incident.status:
        raise StatusUnchanged(incident.status.value)


def _change_severity(
    uow: UnitOfWork, incident: Incident, severity: Severity, asked: ChangeIncident, at: datetime
) -> Incident:
    roster = uow.tx.roster(incident.id)
    rules = uow.policy.permissions
    lowering = rules.must_confirm_lowering(roster, incident.severity, severity, asked.user_id)
    if lowering and not asked.confirmed:
        raise LoweringNotConfirmed(roster.commander or "")
    text = f"Severity changed from {incident.severity.label} to {severity.label}"
    return _change(uow, incident, {"severity": severity}, EventKind.SEVERITY_CHANGED, text, asked.user_id, at)


def _change_status(uow: UnitOfWork, incident: Incident, status: Status, by: str, at: datetime) -> Incident:
    """Move to `status`; resolving or reopening is refused to those who may not (OnlyCommanderResolves)."""
    if status is Status.RESOLVED or not incident.is_open:
        authority.require_resolver(uow.tx, uow.policy.permissions, incident.id, by)
    if status is Status.RESOLVED:
        return close(uow, incident, by, at)
    changes: dict[str, object] = {"status": status}
    if incident.resolved_at is not None:
        changes["resolved_at"] = None
    text = f"Status changed from {incident.status.value} to {status.value}"
    return _change(uow, incident, changes, EventKind.STATUS_CHANGED, text, by, at)


def _change(
    uow: UnitOfWork,
    current: Incident,
    changes: dict[str, object],
    kind: EventKind,
    text: str,
    by: str,
    at: datetime,
) -> Incident:
    """A change of severity, or of status other than closing: noticed, synced and announced."""
    changed = current.model_copy(update=changes)
    if not current.is_open and changed.is_open:
        changed = _promise_per_cadence(uow, changed, at, CommitmentSource.REOPEN)
    elif changed.is_open and changed.severity < current.severity:
        changed = _promise_per_cadence(uow, changed, at, CommitmentSource.SEVERITY)
    changed = uow.tx.save_incident(changed)
    owe_change(uow, current, changed, kind, text, by, at)
    return changed


def _promise_per_cadence(
    uow: UnitOfWork, incident: Incident, now: datetime, source: CommitmentSource
) -> Incident:
    """Owe the policy's promise (first-update rule until an update was posted, then the cadence):
    made with its nag when none is live, pulled in when the live one is later, else kept as it is."""
    tx = uow.tx
    due = uow.policy.reopened_next_update(
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
