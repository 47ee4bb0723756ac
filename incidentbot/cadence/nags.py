"""Holding the team to its next-update promise: nag, notice, escalate, and snooze.

When a commitment's time passes unkept, its nag DMs whoever owes the update at that moment (the
communications lead, else the commander), marks the commitment missed and schedules a channel
notice and, after the grace, one escalation. Each handler first checks the commitment is still
the live one: an update, a snooze or a resolution in between turns the reminder into a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.commitments import hhmm
from incidentbot.cadence.errors import AlreadySnoozed, UpdateAlreadyPosted
from incidentbot.cadence.ports import CADENCE_MESSAGES, NewReminder
from incidentbot.incident.events import NagSent
from incidentbot.incident.models import EventKind, Role
from incidentbot.kernel import outbox, reminders
from incidentbot.kernel.commands import unit_of_work
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentClosed, IncidentNotFound
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, NewEvent, Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderKind
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """A live commitment and its incident as they are now."""

    view: IncidentView
    commitment: Commitment

    @property
    def owner(self) -> str | None:
        return self.view.roster.update_owner


def live_target(services: Services, reminder: Reminder) -> Target:
    """The commitment the reminder is about, or ReminderObsolete when it is settled or the incident ended."""
    with services.store.transaction() as tx:
        commitment = tx.get_commitment(reminder.commitment_id) if reminder.commitment_id else None
        if commitment is None or not commitment.is_live:
            raise ReminderObsolete
        incident = tx.get_incident(commitment.incident_id)
        if incident is None or not incident.is_open:
            raise ReminderObsolete
        return Target(view=services.view(tx, incident), commitment=commitment)


def deliver_nag(services: Services, reminder: Reminder) -> None:
    target = live_target(services, reminder)
    owner = target.owner
    if owner:
        CADENCE_MESSAGES.of(services).send_nag(target.view, target.commitment, owner)
    now = services.clock.now()
    with services.store.transaction() as tx:
        if not reminders.complete(tx, reminder, now):
            log.warning("nag %s was delivered by another worker too", reminder.id)
            return
        commitments.mark_missed(tx, target.commitment)
        role = Role.COMMS if target.view.roster.comms else Role.COMMANDER
        due = hhmm(target.commitment.due_at, now)
        text = f"Reminded the {services.policy.role_name(role).lower()} to post the update due {due}"
        tx.add_event(
            NewEvent(
                incident_id=target.commitment.incident_id, kind=EventKind.NAG, text=text, occurred_at=now
            )
        )
        # The channel notice scheduled here, due at once, also turns the summary to "overdue".
        grace = target.view.incident.in_its_time(services.policy.escalation_grace)
        _schedule_follow_ups(tx, target.commitment, now, grace)
        unit_of_work(services, tx, now).announce(
            NagSent(target.commitment.incident_id, owner, f"{target.commitment.due_at:%FT%TZ}")
        )


def _schedule_follow_ups(tx: Transaction, commitment: Commitment, now: datetime, grace: timedelta) -> None:
    tx.add_reminder(_follow_up(commitment, ReminderKind.NAG_NOTICE, commitment.due_at))
    # The due time is derived from the commitment alone, so the unique key stops a second copy;
    # `not_before` keeps the full grace after a nag that went out late.
    tx.add_reminder(_follow_up(commitment, ReminderKind.ESCALATION, commitment.due_at + grace, now + grace))


def _follow_up(
    commitment: Commitment, kind: ReminderKind, due_at: datetime, not_before: datetime | None = None
) -> NewReminder:
    return NewReminder(
        kind=kind,
        due_at=due_at,
        incident_id=commitment.incident_id,
        commitment_id=commitment.id,
        subject_id=commitment.id,
        not_before=not_before,
    )


def deliver_nag_notice(services: Services, reminder: Reminder) -> None:
    target = live_target(services, reminder)
    CADENCE_MESSAGES.of(services).post_nag_notice(target.view, target.commitment, target.owner)
    with services.store.transaction() as tx:
        # The summary is refreshed on its own row: a failure there never repeats the notice.
        done = reminders.complete(tx, reminder, services.clock.now())
        sync = outbox.enqueue_sync(tx, target.commitment.incident_id, services.clock.now()) if done else None
    outbox.send_now(services, [sync])


def deliver_escalation(services: Services, reminder: Reminder) -> None:
    target = live_target(services, reminder)
    CADENCE_MESSAGES.of(services).post_escalation(target.view, target.commitment)
    now = services.clock.now()
    sync = None
    with services.store.transaction() as tx:
        if reminders.complete(tx, reminder, now):
            due = hhmm(target.commitment.due_at, now)
            text = f"Escalated to the commander: no update since the one due {due}"
            tx.add_event(
                NewEvent(
                    incident_id=target.commitment.incident_id,
                    kind=EventKind.ESCALATION,
                    text=text,
                    occurred_at=now,
                )
            )
            sync = outbox.enqueue_sync(tx, target.commitment.incident_id, now)
    outbox.send_now(services, [sync])


@dataclass(frozen=True)
class Snoozed:
    commitment: Commitment
    view: IncidentView


def snooze_in(
    uow: UnitOfWork, commitment_id: int, minutes: int, by: str, at: datetime | None = None
) -> Snoozed:
    """Replace the missed (or open) commitment by a new one `minutes` from now, recorded as a snooze.

    `at` is when the button was clicked: a snooze applied late (after a restart) counts from then.
    """
    tx, now = uow.tx, at or uow.now
    old = tx.get_commitment(commitment_id)
    incident = tx.get_incident(old.incident_id, for_update=True) if old else None
    if old is None or incident is None:
        raise IncidentNotFound(str(commitment_id))
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    old = tx.get_commitment(commitment_id, for_update=True) or old
    if not old.is_live:
        raise _why_stale(tx, old, now)
    commitments.settle_live(tx, incident.id, CommitmentState.SUPERSEDED, now)
    new = commitments.open_commitment(
        tx,
        incident.id,
        commitments.promised(incident, now + timedelta(minutes=minutes), now),
        made_by=by,
        at=now,
        source=CommitmentSource.SNOOZE,
    )
    event = tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.SNOOZE,
            text=f"Next update moved to {hhmm(new.due_at, now)} (snoozed {minutes} min)",
            occurred_at=now,
            actor_id=by,
        )
    )
    saved = tx.save_incident(incident.model_copy(update={"next_update_due": new.due_at}))
    if event is not None:
        uow.emit(OutboxKind.CHANGE_NOTICE, incident.id, event.id)
    uow.emit_sync(incident.id)
    view = IncidentView(incident=saved, roster=tx.roster(incident.id), policy=uow.policy, now=uow.now)
    return Snoozed(commitment=new, view=view)


def _why_stale(tx: Transaction, old: Commitment, now: datetime) -> AlreadySnoozed | UpdateAlreadyPosted:
    live = tx.live_commitment(old.incident_id)
    due = hhmm(live.due_at, now) if live else ""
    if live is not None and live.source is CommitmentSource.SNOOZE:
        return AlreadySnoozed(due)
    return UpdateAlreadyPosted(due)
