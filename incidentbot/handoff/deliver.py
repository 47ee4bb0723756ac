"""The hand-over's messages, sent from the outbox: the channel post and the new commander's DM."""

from __future__ import annotations

from incidentbot.handoff.commands import DM, HAND_OFF, POST, handover_note
from incidentbot.incident.models import RoleAssignment, TimelineEvent
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import IncidentView
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderNotYet, ReminderObsolete


def deliver_post(services: Services, reminder: Reminder) -> None:
    """Invite the new commander (they may not be in the channel yet), then post the hand-over."""
    assignment, view, note = _handover(services, reminder)
    channel = view.incident.channel_id
    if channel is None:
        raise ReminderNotYet("the incident's channel is not set up yet")
    services.workspace.invite(channel, [assignment.user_id])
    services.workspace.post_rendered(view, "handoff/posted.j2", assignment=assignment, note=note.text)


def deliver_dm(services: Services, reminder: Reminder) -> None:
    """The note and the open promise, to the person who now owns them."""
    assignment, view, note = _handover(services, reminder)
    services.workspace.dm_rendered(
        view, assignment.user_id, "handoff/dm.j2", assignment=assignment, note=note.text
    )


def register(registry: Registry) -> None:
    """Every row kind of the hand-over, with its handler."""
    registry.add_command(HAND_OFF)
    registry.add_delivery(POST, deliver_post)
    registry.add_delivery(DM, deliver_dm)


def _handover(services: Services, reminder: Reminder) -> tuple[RoleAssignment, IncidentView, TimelineEvent]:
    with services.store.transaction() as tx:
        assignment = tx.role_assignment(reminder.subject_id or 0)
        incident = tx.get_incident(assignment.incident_id) if assignment else None
        note = handover_note(tx.events(incident.id), assignment) if incident and assignment else None
        if assignment is None or incident is None or note is None:
            # A note removed from the timeline in the moment before its message went is not re-posted.
            raise ReminderObsolete
        return assignment, services.view(tx, incident), note
