"""The prompt when customers have heard nothing: a SEV-1 or SEV-2 with nothing public yet.

Customers should read "investigating" within minutes of an incident being confirmed. Declaring a
public SEV-1 or SEV-2 schedules this reminder (`model.prompt_due`); when it comes due and no
customer text was published, the incident channel is told, once, and the timeline records it.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from incidentbot.incident.models import EventKind
from incidentbot.kernel import reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.status_page.sql_store import sql_of


@runtime_checkable
class ChannelPoster(Protocol):
    """The Slack workspace's plain channel post and its template renderer."""

    renderer: Any

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, **kw: Any) -> str: ...


def deliver_prompt(services: Services, reminder: Reminder) -> None:
    with services.store.transaction() as tx:
        incident = tx.get_incident(reminder.subject_id or 0)
        if incident is None or not incident.is_open or incident.is_private or not incident.channel_id:
            raise ReminderObsolete
        if sql_of(tx).public_incident(incident.id) is not None:
            raise ReminderObsolete
        view = services.view(tx, incident)
    workspace = services.workspace
    if not isinstance(workspace, ChannelPoster):
        raise TypeError("the status page prompt needs a workspace that posts to channels")
    minutes = int((reminder.due_at - incident.declared_at).total_seconds() // 60)
    text = workspace.renderer.render(
        "status_page/prompt.j2", incident=incident, owner=view.roster.update_owner, minutes=minutes
    )
    workspace.post(incident.channel_id, text)
    now = services.clock.now()
    with services.store.transaction() as tx:
        if reminders.complete(tx, reminder, now):
            text = f"Prompted to publish on the status page: nothing public {minutes} min after declaring"
            tx.add_event(NewEvent(incident_id=incident.id, kind=EventKind.OTHER, text=text, occurred_at=now))
