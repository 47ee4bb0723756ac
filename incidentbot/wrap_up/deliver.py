"""Delivering the messages wrap-up commands owe (outbox handlers, see `kernel/outbox.py`).

Each renders from the database when it runs, so a delivery retried after a restart says what
is true then.
"""

from __future__ import annotations

from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import ChannelRefused, SlackUnavailable
from incidentbot.kernel.ports import IncidentView
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.wrap_up import comms
from incidentbot.wrap_up.ports import WRAP_UP_MESSAGES


def deliver_postmortem_offer(services: Services, reminder: Reminder) -> None:
    """Offer whoever leads the incident now (the resolver when nobody does) to start the postmortem."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(reminder.incident_id or 0)
        resolution = tx.resolution(incident.id) if incident else None
        if incident is None or resolution is None:
            raise ReminderObsolete
        view = services.view(tx, incident)
    WRAP_UP_MESSAGES.of(services).offer_postmortem(view, view.roster.commander or resolution.resolved_by)


def deliver_comms_text(services: Services, reminder: Reminder) -> None:
    """Post a kept customer, stakeholder or executive text where it belongs, and keep its ts."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(reminder.incident_id or 0)
        texts = tx.comms_texts(incident.id) if incident else []
        kept = next((text for text in texts if text.id == reminder.subject_id), None)
        if incident is None or kept is None:
            raise ReminderObsolete
        view = services.view(tx, incident)
    if kept.message_ts is not None:
        return  # posted before a failure to record that it was done
    channel = comms.destination(view, kept.audience, services.stakeholder_channel)
    try:
        ts = WRAP_UP_MESSAGES.of(services).post_comms_text(view, kept, channel)
    except ChannelRefused as refusal:
        # Retrying cannot help until someone invites the bot: the author hears why, once.
        _tell_author(services, view, kept.author_id, refusal)
        raise ReminderObsolete from refusal
    with services.store.transaction() as tx:
        tx.set_comms_message(kept.id, ts)


def deliver_action_item(services: Services, reminder: Reminder) -> None:
    """Announce a new action item in the incident channel, as it stands when announced."""
    with services.store.transaction() as tx:
        item = tx.action_item(reminder.subject_id or 0)
        incident = tx.get_incident(item.incident_id) if item else None
        if item is None or incident is None:
            raise ReminderObsolete
        view = services.view(tx, incident)
    WRAP_UP_MESSAGES.of(services).post_action_item(view, item, item.created_by)


def _tell_author(services: Services, view: IncidentView, author_id: str, refusal: ChannelRefused) -> None:
    try:
        services.workspace.explain_refusal(view.incident.channel_id, author_id, refusal)
    except SlackUnavailable:
        pass  # Telling is a courtesy; the text is kept and listed with the incident either way.
