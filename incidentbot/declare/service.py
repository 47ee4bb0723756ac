"""Declaring an incident: record it first, then build its Slack home step by step.

The submitted declaration is journalled before Slack is acknowledged and recorded just after
(`kernel/journal.py`); recording writes the `set_up` outbox row in the same transaction, so an
acknowledged declaration is never lost, nor is the building of its channel. Building is slow and
may fail half-way; every step saves its result on the incident, so the job carries on from where
it stopped, first in the thread that took the declaration and, when Slack is unavailable, from the
scheduler with a backoff (see `kernel/outbox.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from pydantic import Field, model_validator

from incidentbot.cadence import commitments
from incidentbot.cadence.commitment_rules import CommitmentSource
from incidentbot.declare import checklists
from incidentbot.declare.checklists import OwedChecklist
from incidentbot.declare.naming import channel_name
from incidentbot.declare.ports import DECLARATION_MESSAGES
from incidentbot.incident.events import IncidentDeclared
from incidentbot.incident.models import EventKind, Incident, Role, SetupState, Severity
from incidentbot.kernel import outbox, reminders
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.context import SETUP_NOTICES_CHANNEL, Services
from incidentbot.kernel.errors import ChannelRefused, IncidentNotFound, NameTaken, SlackUnavailable
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.ports import IncidentView, NewEvent, NewIncident, Transaction, iter_roles
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import ReminderObsolete
from incidentbot.kernel.unit_of_work import UnitOfWork
from incidentbot.status_page.model import prompt_due
from incidentbot.status_page.publishing import prompt_reminder

MAX_NAME_ATTEMPTS = 20


class Declaration(Command):
    """What the declare modal asked for; journalled as it is (`kernel/commands.py`)."""

    kind: ClassVar[str] = JournalKind.DECLARE
    user_id: str = ""
    """The declarer (`declared_by`), filled in when not given."""
    team_id: str
    title: str
    severity: Severity
    impact: str
    declared_by: str
    is_private: bool = False
    commander: str | None = None
    comms: str | None = None
    scribe: str | None = None
    drill: bool = False
    """A tabletop drill's incident (`drills/`): its channel is `drill-<n>-…`, and it is never announced."""
    time_scale: int = Field(default=1, ge=1)
    """A drill's time scale: the first update is owed after the policy's minutes divided by it."""

    @model_validator(mode="after")
    def _asked_by_the_declarer(self) -> Declaration:
        if not self.user_id:
            object.__setattr__(self, "user_id", self.declared_by)
        return self

    def holders(self) -> dict[Role, str]:
        chosen = {Role.COMMANDER: self.commander or self.declared_by}
        if self.comms:
            chosen[Role.COMMS] = self.comms
        if self.scribe:
            chosen[Role.SCRIBE] = self.scribe
        return chosen


def record_in(uow: UnitOfWork, declaration: Declaration) -> Incident:
    """Store the incident, its roles, its first commitment and first timeline entry; owe its setup."""
    now = declaration.received_at or uow.now
    declarer = _name(uow, declaration.declared_by)
    tx = uow.tx
    first_due = commitments.in_time_of(declaration.time_scale, uow.policy.first_update_due(now), now)
    incident = tx.add_incident(
        NewIncident(
            team_id=declaration.team_id,
            title=declaration.title,
            severity=declaration.severity,
            impact=declaration.impact,
            is_private=declaration.is_private,
            declared_by=declaration.declared_by,
            declared_at=now,
            next_update_due=first_due,
            drill=declaration.drill,
            time_scale=declaration.time_scale,
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
    uow.emit(OutboxKind.SET_UP, incident.id, incident.id)
    uow.announce(IncidentDeclared(incident.id, declared_by=declaration.declared_by))
    return incident


DECLARE = CommandHandler(Declaration, record_in, tells_the_actor=False)
"""Applied just after the ack; the setup it owes is then built in the same thread."""


def _name(uow: UnitOfWork, user_id: str) -> str | None:
    """The declarer's name for the record; None when Slack cannot say right now."""
    try:
        person = uow.people.person(user_id)
    except SlackUnavailable:
        return None
    return person.name if person else None


def set_up(services: Services, incident_id: int) -> Incident:
    """Build the incident's Slack home now, carrying on from where an earlier attempt stopped.

    The work is the incident's `set_up` outbox row, written with the declaration (or here, when
    an earlier one ended for good); this delivers it in the calling thread, ahead of any retry
    time, unless another worker holds it. When Slack is unavailable the row stays pending and the
    scheduler retries it with a backoff, so `/incident retry` and the Retry button mean "try now".
    """
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        if incident.setup_state is SetupState.READY:
            return incident
        job = pending_set_up(tx, incident_id) or outbox.enqueue(
            tx, OutboxKind.SET_UP, incident_id, incident_id, services.clock.now()
        )
    outbox.send_now(services, [job])
    return services.view_of(incident_id).incident


def deliver_set_up(services: Services, reminder: Reminder) -> object:
    """The `set_up` outbox handler. Every step saves its result, so a retry skips what is done."""
    incident_id = reminder.subject_id or 0
    try:
        view, owed = _set_up_steps(services, reminder)
    except NameTaken as failure:
        _mark_failed(services, incident_id, str(failure) or type(failure).__name__)
        return None
    except SlackUnavailable as failure:
        _mark_delayed(services, incident_id, str(failure) or type(failure).__name__)
        raise  # the row goes back to the queue with a backoff
    _mark_ready(services, reminder, incident_id, checklists.send(services, view, owed))
    return reminders.COMPLETED


def deliver_setup_delayed(services: Services, reminder: Reminder) -> None:
    """Tell the declarer how the delayed setup stands when this message goes out."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(reminder.subject_id or 0)
        if incident is None:
            raise ReminderObsolete
        if incident.setup_state is not SetupState.READY and pending_set_up(tx, incident.id) is None:
            raise ReminderObsolete  # it failed for good, and that failure was reported
        view = services.view(tx, incident)
    DECLARATION_MESSAGES.of(services).report_setup_delayed(view, notices_to(view), incident.setup_error or "")


def _set_up_steps(services: Services, reminder: Reminder) -> tuple[IncidentView, list[OwedChecklist]]:
    """Build what is missing; returns the incident as built and the checklist DMs it made owed.

    Each step saves its result and reads the incident back in one transaction.
    """
    incident_id = reminder.subject_id or 0
    keep_lease = partial(reminders.keep_lease, services, reminder)
    owed: list[OwedChecklist] = []
    view = services.view_of(incident_id)
    workspace, messages = services.workspace, DECLARATION_MESSAGES.of(services)
    if view.incident.channel_id is None:
        created, name = _create_channel(services, view.incident, keep_lease)
        view = _save(services, incident_id, channel_id=created, channel_name=name)
    channel_id = view.incident.channel_id
    assert channel_id is not None
    keep_lease()
    declarer = [view.incident.declared_by] if _declared_by_a_person(view) else []
    people = sorted({*declarer, *(u for _, u in iter_roles(view.roster))})
    workspace.invite(channel_id, people)
    if view.incident.summary_ts is None:
        keep_lease()
        messages.post_alert(view)
        summary_ts = messages.post_summary(view)
        view, owed = _save_summary(services, reminder, summary_ts)
    keep_lease()
    messages.refresh_summary(view)
    # The channel id is saved even when Slack refuses it, so the announcement is tried once.
    incident = view.incident
    if services.announcement_channel and _announced(incident):
        keep_lease()
        _announce(services, view, services.announcement_channel)
    return view, owed


def notices_to(view: IncidentView) -> str:
    """Who hears what the setup has to say: the declarer. An incident no person declared (an alert
    rule's) names a channel in its view instead: its commander hears, else that channel does."""
    if _declared_by_a_person(view):
        return view.incident.declared_by
    return view.roster.commander or str(view.extra[SETUP_NOTICES_CHANNEL])


def _declared_by_a_person(view: IncidentView) -> bool:
    return not isinstance(view.extra.get(SETUP_NOTICES_CHANNEL), str)


DRILL_CHANNEL_PREFIX = "drill"
"""A drill's channel reads as practice at a glance: `drill-12-checkout-lock`."""


def _announced(incident: Incident) -> bool:
    """Only public, real incidents are announced: a drill is practice, and stays in its channel."""
    return not incident.is_private and not incident.drill and incident.announcement_channel_id is None


def _announce(services: Services, view: IncidentView, channel_id: str) -> None:
    ts: str | None = None
    try:
        ts = DECLARATION_MESSAGES.of(services).announce(view, channel_id)
    except ChannelRefused as refusal:
        # Retrying cannot help until someone invites the bot or grants it chat:write.public: the
        # commander is told what to do, and the incident carries on unannounced.
        DECLARATION_MESSAGES.of(services).report_announcement_refused(
            view, view.roster.commander or notices_to(view), refusal
        )
    _save(services, view.incident.id, announcement_channel_id=channel_id, announcement_ts=ts)


def _create_channel(
    services: Services, incident: Incident, keep_lease: Callable[[], None]
) -> tuple[str, str]:
    for attempt in range(MAX_NAME_ATTEMPTS):
        prefix = DRILL_CHANNEL_PREFIX if incident.drill else services.channel_prefix
        name = channel_name(prefix, incident.number, incident.title, attempt)
        keep_lease()
        try:
            return services.workspace.create_channel(name, private=incident.is_private), name
        except NameTaken:
            continue
    raise NameTaken(f"every name up to {name} is taken")


def _mark_ready(services: Services, reminder: Reminder, incident_id: int, sent: list[Reminder]) -> None:
    """The setup is done: mark it so with the checklist DMs it `sent`, and bring the summary up
    to date if a change raced it."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        reminders.complete_all(tx, sent, now)
        if not reminders.complete(tx, reminder, now):
            return  # another worker took the setup over and finishes it
        incident = tx.get_incident(incident_id, for_update=True)
        assert incident is not None
        tx.save_incident(incident.model_copy(update={"setup_state": SetupState.READY, "setup_error": None}))
        kept_in = incident.is_private or incident.drill  # never on the status page
        if prompt_at := prompt_due(incident.severity, kept_in, incident.declared_at, services.status_page):
            tx.add_reminder(prompt_reminder(incident.id, prompt_at))
        # A change made while the channel was being built may have found no summary to edit.
        raced = tx.outbox_rows(OutboxKind.SYNC_SUMMARY, incident_id)
        sync = outbox.enqueue_sync(tx, incident_id, now) if raced else None
    outbox.send_now(services, [sync])


def _save_summary(
    services: Services, reminder: Reminder, summary_ts: str
) -> tuple[IncidentView, list[OwedChecklist]]:
    """Keep the summary's ts and owe each role holder's checklist DM, in one transaction; the DMs
    are leased to the setup's worker, which sends them (`checklists.send`)."""
    now = services.clock.now()
    incident_id = reminder.subject_id or 0
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        saved = tx.save_incident(incident.model_copy(update={"summary_ts": summary_ts}))
        return services.view(tx, saved), checklists.owe(tx, saved, now, reminder.claimed_by)


def _save(services: Services, incident_id: int, **fields: object) -> IncidentView:
    # Only the fields this step produced: a change made meanwhile by someone else stays.
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        return services.view(tx, tx.save_incident(incident.model_copy(update=fields)))


def pending_set_up(tx: Transaction, incident_id: int) -> Reminder | None:
    pending = [r for r in tx.outbox_rows(OutboxKind.SET_UP, incident_id) if r.state is ReminderState.PENDING]
    return pending[0] if pending else None


def _mark_delayed(services: Services, incident_id: int, reason: str) -> None:
    """Keep the reason on the incident, and tell the declarer once that the bot keeps trying."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            return
        tx.save_incident(
            incident.model_copy(update={"setup_state": SetupState.FAILED, "setup_error": reason})
        )
        notice = outbox.enqueue_once(tx, OutboxKind.SETUP_DELAYED, incident_id, incident_id, now)
    outbox.send_now(services, [notice])


def _mark_failed(services: Services, incident_id: int, reason: str) -> Incident:
    """A failure retrying cannot mend (every channel name taken): record it and offer Retry."""
    with services.store.transaction() as tx:
        incident = tx.get_incident(incident_id, for_update=True)
        if incident is None:
            raise IncidentNotFound(str(incident_id))
        failed = tx.save_incident(
            incident.model_copy(update={"setup_state": SetupState.FAILED, "setup_error": reason})
        )
        view = services.view(tx, failed)
    try:
        DECLARATION_MESSAGES.of(services).report_setup_failure(view, notices_to(view), reason)
    except SlackUnavailable:
        pass  # The failure stays recorded on the incident; `/incident retry` finds it.
    return failed


def pending_setups(services: Services, team_id: str) -> list[Incident]:
    with services.store.transaction() as tx:
        return [i for i in tx.open_incidents(team_id) if i.setup_state is not SetupState.READY]


def resume_interrupted(services: Services) -> list[Incident]:
    """Start at once the setups a stopped process left pending (the scheduler would, a bit later)."""
    with services.store.transaction() as tx:
        interrupted = tx.interrupted_setups()
    return [set_up(services, incident.id) for incident in interrupted]
