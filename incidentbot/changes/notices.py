"""Delivering what shows an incident's state: the summary, change notices, the resolution post.

Each is an outbox handler (see `kernel/outbox.py`): it renders from the database when it runs,
so a late delivery says what is true then, and repeating one after a partial failure repeats
nothing the channel has already seen (an edit), or at most the one message that failed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.declare.ports import DECLARATION_MESSAGES
from incidentbot.incident.models import TimelineEvent
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import ChannelRefused
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import ReminderNotYet, ReminderObsolete
from incidentbot.wrap_up.metrics import measure_in
from incidentbot.wrap_up.ports import WRAP_UP_MESSAGES

log = logging.getLogger(__name__)
MAX_SYNC_PASSES = 3
"""A sync edits again while the incident keeps changing under it; later changes have their own."""
_CHANGE_PROMISES = (CommitmentSource.REOPEN, CommitmentSource.SEVERITY)


def deliver_sync_summary(services: Services, reminder: Reminder) -> None:
    """Edit the pinned summary, the topic and the announcement to show the incident as it is now.

    Two syncs of one incident may run at once (a change arrives while one is under way), and the
    one that read the older state may finish last. So after editing, each reads the incident
    again and edits once more if it changed: the last edit to land always shows the latest state.
    """
    incident_id = _incident_id(reminder)
    shown = _current(services, incident_id)
    for _ in range(MAX_SYNC_PASSES):
        DECLARATION_MESSAGES.of(services).refresh_summary(shown)
        if shown.incident.announcement_ts:
            _refresh_announcement(services, shown)
        latest = _current(services, incident_id)
        if (latest.incident, latest.roster) == (shown.incident, shown.roster):
            return
        shown = latest


def _refresh_announcement(services: Services, shown: IncidentView) -> None:
    try:
        DECLARATION_MESSAGES.of(services).refresh_announcement(shown)
    except ChannelRefused as refusal:
        # The bot was removed from the announcement channel (or it was archived): retrying the
        # sync cannot change that, and the summary it also carries must not wait for it.
        log.warning("announcement of incident %s not edited: %s", shown.incident.id, refusal.reason)


def deliver_change_notice(services: Services, reminder: Reminder) -> None:
    """The channel notice of a severity or status change, after any update recorded before it."""
    with services.store.transaction() as tx:
        event = tx.get_event(reminder.subject_id or 0)
        incident = tx.get_incident(event.incident_id) if event else None
        if event is None or incident is None:
            raise ReminderObsolete
        if _update_waiting_before(tx, reminder):
            raise ReminderNotYet("waiting for the update recorded before it")
        view = services.view(tx, incident)
        promise = _promise_made_by(tx, event)
    services.workspace.post_rendered(view, "changes/change.j2", event=event, promise=promise)


def _promise_made_by(tx: Transaction, event: TimelineEvent) -> datetime | None:
    """The next-update time this change committed (a reopening or a raise), so the notice names it."""
    live = tx.live_commitment(event.incident_id)
    made_here = live is not None and live.made_at == event.occurred_at and live.source in _CHANGE_PROMISES
    return live.due_at if live is not None and made_here else None


def deliver_resolution(services: Services, reminder: Reminder) -> None:
    """The resolution message, with the incident's measures as recorded when it is sent."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(_incident_id(reminder))
        resolution = tx.resolution(incident.id) if incident else None
        if incident is None or resolution is None:
            raise ReminderObsolete
        metrics = measure_in(tx, incident, services.clock.now(), events=tx.events(incident.id))
        view = services.view(tx, incident)
    WRAP_UP_MESSAGES.of(services).post_resolution(view, resolution, metrics)


def _update_waiting_before(tx: Transaction, reminder: Reminder) -> bool:
    # The update announces its own changes first; a notice must not overtake it.
    return any(
        r.kind == OutboxKind.PUBLISH_UPDATE and r.state is ReminderState.PENDING and r.id < reminder.id
        for r in tx.reminders(reminder.incident_id or 0)
    )


def _incident_id(reminder: Reminder) -> int:
    return reminder.incident_id or reminder.subject_id or 0


def _current(services: Services, incident_id: int) -> IncidentView:
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise ReminderObsolete
        return services.view(tx, incident)
