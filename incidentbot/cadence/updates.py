"""Posting a structured update: settle the promise it keeps, record the one it makes, post it.

`record_in` does all the bookkeeping in one unit of work, emitting the messages it owes;
`send_in_order` sends them afterwards, never ahead of an update recorded earlier.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.cadence.commitments import hhmm
from incidentbot.cadence.ports import CADENCE_MESSAGES, NewUpdate
from incidentbot.cadence.update_rules import Update, UpdateDraft, next_update_problem
from incidentbot.incident.events import IncidentUpdated, UpdatePosted
from incidentbot.incident.models import EventKind, Incident, Status, TimelineEvent
from incidentbot.kernel import outbox, reminders
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentClosed, IncidentNotFound, SlackUnavailable
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, NewEvent, Transaction
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import ReminderNotYet, ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.roles import authority


class Field(StrEnum):
    """Parts of the update form a problem can be pinned to."""

    STATUS = "status"
    SEVERITY = "severity"
    THEORY = "theory"
    NEXT_PRESET = "next_preset"
    NEXT_AT = "next_at"
    NEXT_FAR = "next_far"


@dataclass(frozen=True)
class Recorded:
    update: Update
    view: IncidentView
    changes: list[TimelineEvent] = field(default_factory=list)
    deliveries: tuple[Reminder, ...] = ()
    """The outbox rows `publish` sends: the update, its change notices, the summary sync."""


def previous(services: Services, incident_id: int) -> Update | None:
    with services.store.transaction() as tx:
        return tx.latest_update(incident_id)


def problems(
    services: Services,
    incident_id: int,
    user_id: str,
    draft: UpdateDraft,
    *,
    exact_given: bool,
    far_confirmed: bool = False,
) -> dict[Field, str]:
    """What stops this update from being posted, as field → problem key (empty when fine)."""
    incident = services.view_of(incident_id).incident
    found: dict[Field, str] = {}
    if not incident.is_open:
        found[Field.STATUS] = "incident_resolved"
    elif membership := _membership_problem(services, incident, user_id):
        found[Field.STATUS] = membership
    elif draft.status is Status.RESOLVED and not _may_resolve(services, incident_id, user_id):
        found[Field.STATUS] = "only_commander_resolves"
    if _must_confirm_lowering(services, incident, user_id, draft):
        found[Field.SEVERITY] = "lowering_needs_confirmation"
    if draft.is_empty:
        found[Field.THEORY] = "all_empty"
    timing = next_update_problem(
        services.policy, draft, services.clock.now(), exact_given=exact_given, far_confirmed=far_confirmed
    )
    if timing == "next_update_past":
        found[Field.NEXT_AT] = timing
    elif timing == "next_update_far":
        found[Field.NEXT_FAR] = timing
    elif timing:
        found[Field.NEXT_PRESET] = timing
    return found


def _membership_problem(services: Services, incident: Incident, user_id: str) -> str | None:
    if incident.channel_id is None:
        return None
    try:
        members = services.workspace.channel_members(incident.channel_id)
    except SlackUnavailable:
        return "membership_unknown"
    return None if user_id in members else "not_in_channel"


def _must_confirm_lowering(services: Services, incident: Incident, user_id: str, draft: UpdateDraft) -> bool:
    """The form has no confirmation step: such a lowering goes through `/incident severity`."""
    with services.store.transaction() as tx:
        roster = tx.roster(incident.id)
    rules = services.policy.permissions
    return rules.must_confirm_lowering(roster, incident.severity, draft.severity, user_id)


def _may_resolve(services: Services, incident_id: int, user_id: str) -> bool:
    with services.store.transaction() as tx:
        return services.policy.permissions.may_resolve(tx.roster(incident_id), user_id)


def record_in(
    uow: UnitOfWork, incident_id: int, author_id: str, draft: UpdateDraft, at: datetime | None = None
) -> Recorded:
    """Store the update, settle the commitment it keeps and open the one it makes, in one go.

    `at` is when it was submitted: an update applied late (after a restart) still kept the
    promise it was written for.
    """
    tx, now = uow.tx, at or uow.now
    incident = tx.get_incident(incident_id, for_update=True)
    if incident is None:
        raise IncidentNotFound(str(incident_id))
    if not incident.is_open:
        raise IncidentClosed(incident.label)
    if draft.status is Status.RESOLVED:
        authority.require_resolver(tx, uow.policy.permissions, incident.id, author_id)
    changed, events = _apply_changes(tx, incident, draft, author_id, now)
    commitments.settle_live(tx, incident.id, CommitmentState.MET, now)
    next_due = draft.next_update_at if changed.is_open else None
    if next_due is not None:
        next_due = commitments.promised(incident, next_due, now)
    if next_due is not None:
        commitments.open_commitment(
            tx, incident.id, next_due, made_by=author_id, at=now, source=CommitmentSource.UPDATE
        )
    update = tx.add_update(
        NewUpdate(incident_id=incident.id, author_id=author_id, posted_at=now, draft=draft)
    )
    tx.add_event(
        NewEvent(
            incident_id=incident.id,
            kind=EventKind.UPDATE_POSTED,
            text=_posted_text(draft, next_due, now),
            occurred_at=now,
            actor_id=author_id,
        )
    )
    saved = tx.save_incident(changed.model_copy(update={"next_update_due": next_due}))
    deliveries = (
        uow.emit(OutboxKind.PUBLISH_UPDATE, incident.id, update.id),
        *(uow.emit(OutboxKind.CHANGE_NOTICE, incident.id, e.id) for e in events),
        uow.emit_sync(incident.id),
    )
    for change in [
        *IncidentUpdated.each_between(incident, changed, author_id),
        UpdatePosted(incident.id, update.id, author_id),
    ]:
        uow.announce(change)
    view = IncidentView(incident=saved, roster=tx.roster(incident.id), policy=uow.policy, now=uow.now)
    return Recorded(update=update, view=view, changes=events, deliveries=deliveries)


def _apply_changes(
    tx: Transaction, incident: Incident, draft: UpdateDraft, by: str, now: datetime
) -> tuple[Incident, list[TimelineEvent]]:
    """Severity and status as the update states them, each change with its own timeline entry."""
    changed, events = incident, []
    if draft.severity is not incident.severity:
        text = f"Severity changed from {incident.severity.label} to {draft.severity.label}"
        changed = changed.model_copy(update={"severity": draft.severity})
        events.append(_event(tx, incident.id, EventKind.SEVERITY_CHANGED, text, by, now))
    if draft.status is not incident.status:
        # The same rule as `/incident status`: resolving stamps the time.
        text = f"Status changed from {incident.status.value} to {draft.status.value}"
        resolved_at = now if draft.status is Status.RESOLVED else None
        changed = changed.model_copy(update={"status": draft.status, "resolved_at": resolved_at})
        events.append(_event(tx, incident.id, EventKind.STATUS_CHANGED, text, by, now))
    return changed, [event for event in events if event is not None]


def _event(
    tx: Transaction, incident_id: int, kind: EventKind, text: str, by: str, now: datetime
) -> TimelineEvent | None:
    return tx.add_event(NewEvent(incident_id=incident_id, kind=kind, text=text, occurred_at=now, actor_id=by))


def _posted_text(draft: UpdateDraft, next_due: datetime | None, now: datetime) -> str:
    promise = f"next update by {hhmm(next_due, now)}" if next_due else "no fixed time for the next update"
    return f"Update posted ({draft.status.value}); {promise}"


def publish(services: Services, recorded: Recorded) -> Update:
    """Send what `record` queued: the update, then its change notices, then the summary.

    Updates of one incident are published one at a time, each after every update recorded
    before it, so two submitted in quick succession reach the channel in that order even when
    Slack holds the first one up (a 429 and its Retry-After).

    DeliveryDelayed when Slack did not take the update or a notice; it stays queued and is sent
    once Slack answers.
    """
    send_in_order(services, list(recorded.deliveries))
    with services.store.transaction() as tx:
        return _stored(tx, recorded.update.incident_id, recorded.update.id) or recorded.update


def send_in_order(services: Services, deliveries: list[Reminder]) -> None:
    """Send an update's messages (its publication first) after every update recorded before it."""
    own = deliveries[0]
    incident_id = own.incident_id or 0
    with _publishing(incident_id):
        with services.store.transaction() as tx:
            earlier = [r for r in _pending_publications(tx, incident_id) if r.id < own.id]
        outbox.send_or_explain(services, [*earlier, *deliveries])


def deliver_update(services: Services, reminder: Reminder) -> None:
    """The `publish_update` outbox handler: post the update unless it already has its message.

    An update never overtakes one recorded before it (ReminderNotYet while that one waits). The
    message's ts is saved with the done mark as soon as Slack answers, so a retry after a later
    step failed never posts it again. The change notices it brought, and updates recorded after
    it that were waiting for it, come right after it.
    """
    with services.store.transaction() as tx:
        update = _stored(tx, reminder.incident_id or 0, reminder.subject_id or 0)
        incident = tx.get_incident(update.incident_id) if update else None
        if update is None or incident is None:
            raise ReminderObsolete
        waiting = update.message_ts is None and any(
            r.id < reminder.id for r in _pending_publications(tx, incident.id)
        )
        if waiting:
            raise ReminderNotYet("waiting for the update recorded before it")
        view = services.view(tx, incident)
    if update.message_ts is None:
        ts = CADENCE_MESSAGES.of(services).post_update(view, update)
        with services.store.transaction() as tx:
            tx.set_update_message(update.id, ts)
            reminders.complete(tx, reminder, services.clock.now())
    with services.store.transaction() as tx:
        following = [
            r
            for r in tx.reminders(update.incident_id)
            if r.state is ReminderState.PENDING
            and (
                r.kind == OutboxKind.CHANGE_NOTICE
                or (r.kind == OutboxKind.PUBLISH_UPDATE and r.id > reminder.id)
            )
        ]
    following.sort(key=_row_id)
    outbox.send_now(services, following)


def _row_id(row: Reminder) -> int:
    return row.id


def _pending_publications(tx: Transaction, incident_id: int) -> list[Reminder]:
    return [
        r
        for r in tx.reminders(incident_id)
        if r.kind == OutboxKind.PUBLISH_UPDATE and r.state is ReminderState.PENDING
    ]


_PUBLISHING_GUARD = threading.Lock()
_PUBLISHING: dict[int, threading.Lock] = {}


@contextmanager
def _publishing(incident_id: int) -> Iterator[None]:
    """Hold this incident's updates to one publisher at a time in this process.

    Without it the thread publishing the second update could post while the first one's thread
    sleeps through Slack's Retry-After. Across processes `deliver_update` keeps the order.
    """
    with _PUBLISHING_GUARD:
        lock = _PUBLISHING.setdefault(incident_id, threading.Lock())
    with lock:
        yield


def _stored(tx: Transaction, incident_id: int, update_id: int) -> Update | None:
    return next((u for u in tx.updates(incident_id) if u.id == update_id), None)
