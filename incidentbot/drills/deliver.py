"""The drill's rows, delivered: the briefing (which starts the clock), each inject, the closing.

Each handler re-reads the run first: an inject of a drill that has ended, or one already posted
or skipped, is not posted; one of a paused drill waits. An inject is tagged with its row's id
when posted, so a delivery tried again after its worker died between Slack's answer and the
done mark finds it in the channel instead of posting it twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from incidentbot.drills import control, kinds, render_scorecard_file, replies, run, scorecard
from incidentbot.drills.ports import DrillRun
from incidentbot.drills.sql_store import drills_of
from incidentbot.kernel import commands, outbox
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import IncidentView, Transaction
from incidentbot.kernel.registry import Registry
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import (
    COMPLETED,
    ReminderNotYet,
    ReminderObsolete,
    ReminderWaiting,
    complete,
)

INJECT_FIRST = timedelta(seconds=5)
"""How often the scenario's end looks again whether the injects due before it are all posted."""


def deliver_briefing(services: Services, reminder: Reminder) -> object:
    """Invite the participants, post the briefing, and start the clock in the same commit as done."""
    drill, view = _drill(services, reminder.subject_id or 0)
    channel = view.incident.channel_id
    if channel is None:
        raise ReminderNotYet("the drill's channel is not set up yet")
    if drill.participants:
        services.workspace.invite(channel, list(drill.participants))
    services.workspace.post_rendered(view, "drills/briefing.j2", drill=drill, scenario=drill.scenario)
    now = services.clock.now()
    worker = reminder.claimed_by or outbox.caller_worker()
    due_now: list[Reminder] = []
    with services.store.transaction() as tx:
        if complete(tx, reminder, now) and not drills_of(tx).injects(drill.incident_id):
            due_now = run.schedule_injects(tx, drill, now, worker)
    # An inject due at once follows the briefing now, from this worker, which holds it from the
    # commit that scheduled it: not at the scheduler's next tick, and never unleased in between.
    outbox.send_now(services, due_now, worker)
    return COMPLETED


def deliver_inject(services: Services, reminder: Reminder) -> object:
    with services.store.transaction() as tx:
        records = drills_of(tx)
        inject = records.inject(reminder.subject_id or 0)
        drill = records.run(inject.incident_id) if inject else None
        incident = tx.get_incident(drill.incident_id) if drill else None
        if inject is None or drill is None or incident is None:
            raise ReminderObsolete
        if not inject.waiting or drill.ended_at is not None or not incident.is_open:
            raise ReminderObsolete
        if drill.paused_at is not None:
            raise ReminderNotYet("the drill is paused")
        view = services.view(tx, incident)
    # A row tried before (released after an error, or taken over from a worker whose lease ran
    # out) may have reached the channel already, the done mark lost: look before posting again.
    ts = services.workspace.post_rendered_once(
        view,
        "drills/inject.j2",
        f"{kinds.INJECT}:{inject.id}",
        look_first=reminder.attempts > 0,
        inject=inject,
        drill=drill,
        count=_count(drill),
    )
    now = services.clock.now()
    with services.store.transaction() as tx:
        if complete(tx, reminder, now):
            drills_of(tx).mark_delivered(inject.id, now, ts)
    return COMPLETED


def deliver_end(services: Services, reminder: Reminder) -> object:
    """The scenario has run out: end the drill as `/incident drill end` would, and mark this done."""
    now = services.clock.now()
    with services.store.transaction() as tx:
        drill = drills_of(tx).run(reminder.subject_id or 0, for_update=True)
        incident = tx.get_incident(drill.incident_id) if drill else None
        if drill is None or incident is None or drill.ended_at is not None:
            raise ReminderObsolete
        if drill.paused_at is not None:
            raise ReminderNotYet("the drill is paused")
        if _inject_under_way(tx, drill.incident_id, now):
            raise ReminderWaiting("an inject due before the end is still to be posted", INJECT_FIRST)
        uow = commands.unit_of_work(services, tx, now)
        if complete(tx, reminder, now):
            control.end_in(uow, incident, drill, None, now)
    outbox.send_now(services, uow.emitted)
    return COMPLETED


def deliver_scorecard(services: Services, reminder: Reminder) -> None:
    card = scorecard.scorecard_of(services.store, reminder.subject_id or 0)
    if card is None:
        raise ReminderObsolete
    view = services.view_of(card.incident_id)
    services.workspace.post_rendered(view, "drills/scorecard.j2", card=card)


def register(registry: Registry) -> None:
    registry.add_command(run.START)
    registry.add_command(control.CONTROL)
    registry.add_command(replies.RECORD)
    registry.add_delivery(kinds.BRIEFING, deliver_briefing)
    registry.add_delivery(kinds.INJECT, deliver_inject, timed=True)
    registry.add_delivery(kinds.END, deliver_end)
    registry.add_delivery(kinds.SCORECARD, deliver_scorecard)
    registry.add_delivery(kinds.SCORECARD_FILE, render_scorecard_file.deliver_scorecard_file)


def _drill(services: Services, incident_id: int) -> tuple[DrillRun, IncidentView]:
    with services.store.transaction() as tx:
        drill = drills_of(tx).run(incident_id)
        incident = tx.get_incident(incident_id)
        if drill is None or incident is None or drill.ended_at is not None:
            raise ReminderObsolete
        return drill, services.view(tx, incident)


def _inject_under_way(tx: Transaction, incident_id: int, now: datetime) -> bool:
    """An inject already due and not posted whose row is still pending: a worker holds it (or
    one that died did, until its lease runs out). Ending now would skip it for good."""
    due = {
        inject.id for inject in drills_of(tx).injects(incident_id) if inject.waiting and inject.due_at <= now
    }
    return any(
        row.kind == kinds.INJECT and row.state is ReminderState.PENDING and row.subject_id in due
        for row in tx.reminders(incident_id)
    )


def _count(drill: DrillRun) -> int:
    return len(drill.scenario.injects)
