"""Starting a drill: an incident flagged as a drill, its run, and a briefing that starts the clock.

The clock starts when the briefing is in the channel, not when the form was sent: the channel is
built first, and an inject due "at 0s" must not wait for it. The briefing's delivery schedules
every inject as a reminder row of its own (`kinds.INJECT`), due at its offset divided by the time
scale, so a restart or a second replica neither loses nor repeats one (`kernel/reminders.py`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import ClassVar

from pydantic import Field

from incidentbot.cadence.ports import NewReminder
from incidentbot.declare import service as declare
from incidentbot.drills import kinds
from incidentbot.drills.ports import DrillRecords, DrillRun, NewInject
from incidentbot.drills.scenario import Scenario
from incidentbot.drills.sql_store import drills_of
from incidentbot.incident.models import Incident
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.ports import Transaction
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.kernel.reminders import LEASE
from incidentbot.kernel.unit_of_work import UnitOfWork

MAX_SCALE = 600
"""At 600 a 25-minute scenario runs in 2.5 s: enough for demos and tests, and no faster."""
MAX_PARTICIPANTS = 30
GRACE = timedelta(minutes=5)
"""After the last inject and its deadlines, at the drill's scale, before it closes by itself."""


class StartDrill(Command):
    """The drill form, submitted and validated; the scenario as it was when the form was sent."""

    kind: ClassVar[str] = kinds.START
    team_id: str
    scenario: Scenario
    scale: int = Field(ge=1, le=MAX_SCALE)
    participants: tuple[str, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)
    commander: str | None = None
    comms: str | None = None
    scribe: str | None = None


def start(uow: UnitOfWork, asked: StartDrill) -> Incident:
    """Record the drill's incident (declared as any other, flagged) and its run; owe the briefing."""
    scenario = asked.scenario
    declaration = declare.Declaration(
        team_id=asked.team_id,
        title=scenario.title,
        severity=scenario.severity,
        impact=scenario.impact,
        declared_by=asked.user_id,
        commander=asked.commander,
        comms=asked.comms,
        scribe=asked.scribe,
        drill=True,
        time_scale=asked.scale,
        received_at=asked.received_at,
    )
    incident = declare.record_in(uow, declaration)
    drills_of(uow.tx).add_run(
        DrillRun(
            incident_id=incident.id,
            team_id=asked.team_id,
            scenario=scenario,
            scale=asked.scale,
            facilitator=asked.user_id,
            participants=asked.participants,
            started_at=asked.received_at or uow.now,
        )
    )
    uow.emit(kinds.BRIEFING, incident.id, incident.id)
    return incident


START = CommandHandler(StartDrill, start)


def scaled(offset: timedelta, scale: int) -> timedelta:
    return offset / scale


def closing_offset(scenario: Scenario) -> timedelta:
    """When the scenario is over: its last inject or deadline, and the grace after it."""
    deadlines = [inject.at + r.within for inject in scenario.injects for r in inject.requires]
    return max([scenario.length, *deadlines]) + GRACE


def schedule_injects(tx: Transaction, run: DrillRun, at: datetime, worker: str) -> list[Reminder]:
    """Start the clock at `at`: one inject row and one reminder per inject, and the closing time.

    Returns the reminders due at once (an inject "at 0s"), written leased to `worker`, the caller,
    which sends them after the commit: from the moment they exist no other worker takes them, and
    the caller needs no transaction of its own to claim them (as `outbox.enqueue(…, worker)`).
    """
    records = drills_of(tx)
    due_now: list[Reminder] = []
    for number, inject in enumerate(run.scenario.injects, start=1):
        due = at + scaled(inject.at, run.scale)
        row = records.add_inject(
            run.incident_id, NewInject(number, due, inject.text, inject.sender, inject.requires)
        )
        reminder = tx.add_reminder(
            NewReminder(kind=kinds.INJECT, due_at=due, incident_id=run.incident_id, subject_id=row.id)
        )
        if reminder is not None and due <= at:
            due_now.append(reminder)
    ends_at = at + scaled(closing_offset(run.scenario), run.scale)
    tx.add_reminder(
        NewReminder(kind=kinds.END, due_at=ends_at, incident_id=run.incident_id, subject_id=run.incident_id)
    )
    records.save_run(replace(run, started_at=at, ends_at=ends_at))
    return tx.claim_reminder_ids([reminder.id for reminder in due_now], worker, at, at + LEASE)


def records_of(tx: Transaction) -> DrillRecords:
    return drills_of(tx)
