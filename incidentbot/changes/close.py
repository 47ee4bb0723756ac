"""Closing an incident: the one state change every way of resolving it makes.

`/incident status resolved`, the resolve form and the end of a drill all close through `close`,
in the unit of work of their command: the cadence settled (no update owed, no nag), the
incident resolved as of `at`, a status change on the timeline, and the messages owed: the
change notice in the channel, the summary, topic and announcement brought up to date, and
`incident.updated` and `incident.resolved` announced to the features that listen (outgoing
webhooks; a drill is never heard of outside its channel, by their own rules).
"""

from __future__ import annotations

from datetime import datetime

from incidentbot.cadence import commitments
from incidentbot.incident.events import IncidentResolved, IncidentUpdated
from incidentbot.incident.models import EventKind, Incident, Status
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles.actors import uow_actor_name


def close(
    uow: UnitOfWork, incident: Incident, by: str, at: datetime, *, why: str = "", fix: str = ""
) -> Incident:
    """Resolve the open `incident` as of `at` in the name of `by`, and owe what that says.

    `why` is added to the timeline entry in brackets ("drill ended"); `fix` is what the resolve
    form said fixed it, told to those who hear of the resolution. Who may close was checked by
    the caller.
    """
    commitments.cancel_open(uow.tx, incident.id, at)
    closed = uow.tx.save_incident(
        incident.model_copy(update={"status": Status.RESOLVED, "resolved_at": at, "next_update_due": None})
    )
    text = f"Status changed from {incident.status.value} to {Status.RESOLVED.value}"
    owe_change(uow, incident, closed, EventKind.STATUS_CHANGED, f"{text} ({why})" if why else text, by, at)
    uow.announce(IncidentResolved(incident.id, resolved_by=by, fix=fix))
    return closed


def owe_change(
    uow: UnitOfWork, before: Incident, after: Incident, kind: EventKind, text: str, by: str, at: datetime
) -> None:
    """What every change of severity or status owes once it is saved: its entry on the timeline,
    the change notice in the channel, the summary brought up to date, and `incident.updated`."""
    event = uow.tx.add_event(
        NewEvent(
            incident_id=before.id,
            kind=kind,
            text=text,
            occurred_at=at,
            actor_id=by,
            actor_name=uow_actor_name(uow, by),
        )
    )
    if event is not None:
        uow.emit(OutboxKind.CHANGE_NOTICE, before.id, event.id)
    uow.emit_sync(before.id)
    for change in IncidentUpdated.each_between(before, after, by):
        uow.announce(change)
