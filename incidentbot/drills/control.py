"""The facilitator's controls: end, pause, resume, skip to the next inject, add one of their own.

Each is a journalled command applied in one unit of work. A pause parks the reminders of the
injects still to come; the resume moves each one (and the drill's closing time) later by the
length of the pause, so the spacing the scenario set is kept.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from incidentbot.cadence.ports import NewReminder
from incidentbot.changes.close import close
from incidentbot.drills import kinds
from incidentbot.drills.errors import (
    DrillEnded,
    DrillNotRunning,
    DrillPaused,
    NotADrillChannel,
    NothingToSkip,
)
from incidentbot.drills.ports import DrillInject, DrillRecords, DrillRun, NewInject
from incidentbot.drills.scenario import MAX_TEXT
from incidentbot.drills.sql_store import PARKED, drills_of
from incidentbot.incident.models import Incident
from incidentbot.kernel.commands import Command, CommandHandler
from incidentbot.kernel.reminders import LEASE
from incidentbot.kernel.unit_of_work import UnitOfWork


class Control(StrEnum):
    END = "end"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    INJECT = "inject"


class ControlDrill(Command):
    kind: ClassVar[str] = kinds.CONTROL
    channel_id: str
    control: Control
    text: str = Field(default="", max_length=MAX_TEXT)
    """The ad-hoc inject's words (Slack's escaping decoded)."""


class Controlled:
    """What a control did, for the answer to the facilitator."""

    def __init__(
        self, control: Control, incident: Incident, run: DrillRun, inject: DrillInject | None
    ) -> None:
        self.control, self.incident, self.run, self.inject = control, incident, run, inject


def control(uow: UnitOfWork, asked: ControlDrill) -> Controlled:
    incident = uow.tx.incident_by_channel(asked.channel_id)
    if incident is None or not incident.drill:
        raise NotADrillChannel(asked.channel_id)
    records = drills_of(uow.tx)
    run = records.run(incident.id, for_update=True)
    if run is None:
        raise NotADrillChannel(asked.channel_id)
    if run.ended_at is not None:
        raise DrillEnded(incident.label)
    at = asked.received_at or uow.now
    inject: DrillInject | None = None
    if asked.control is Control.END:
        run = end_in(uow, incident, run, asked.user_id, at)
    elif asked.control is Control.PAUSE:
        run = _pause(records, run, at)
    elif asked.control is Control.RESUME:
        run = _resume(records, run, at)
    elif asked.control is Control.SKIP:
        inject = _skip(uow, records, run, at)
    else:
        inject = _add(uow, records, run, asked.text, at)
    return Controlled(asked.control, incident, run, inject)


CONTROL = CommandHandler(ControlDrill, control)


def end_in(uow: UnitOfWork, incident: Incident, run: DrillRun, by: str | None, at: datetime) -> DrillRun:
    """End the drill: nothing more arrives, the incident closes, and the scorecard is owed."""
    records = drills_of(uow.tx)
    records.mark_skipped([inject.id for inject in records.injects(incident.id) if inject.waiting])
    ended = replace(run, ended_at=at, ended_by=by, paused_at=None)
    records.save_run(ended)
    current = uow.tx.get_incident(incident.id, for_update=True) or incident
    if current.status.is_open:
        # Closed by the facilitator's word, or in their name when the scenario ran out.
        close(uow, current, by or run.facilitator, at, why="drill ended")
    uow.emit(kinds.SCORECARD, incident.id, incident.id)
    uow.emit(kinds.SCORECARD_FILE, incident.id, incident.id)
    return ended


def _pause(records: DrillRecords, run: DrillRun, at: datetime) -> DrillRun:
    if run.paused_at is not None:
        raise DrillPaused(run.scenario.name)
    records.park_waiting(run.incident_id)
    records.move_end(run.incident_id, PARKED)
    paused = replace(run, paused_at=at)
    records.save_run(paused)
    return paused


def _resume(records: DrillRecords, run: DrillRun, at: datetime) -> DrillRun:
    if run.paused_at is None:
        raise DrillNotRunning(run.scenario.name)
    pause = max(at - run.paused_at, at - at)
    records.shift_waiting(run.incident_id, pause)
    ends_at = (run.ends_at or at) + pause
    records.move_end(run.incident_id, ends_at)
    resumed = replace(run, paused_at=None, ends_at=ends_at)
    records.save_run(resumed)
    return resumed


def _skip(uow: UnitOfWork, records: DrillRecords, run: DrillRun, at: datetime) -> DrillInject:
    """Bring the next inject forward to now; the ones after it keep their times."""
    waiting = [inject for inject in records.injects(run.incident_id) if inject.waiting]
    if not waiting:
        raise NothingToSkip(run.scenario.name)
    following = waiting[0]
    records.mark_skipped([following.id])
    return _add(uow, records, run, following.text, at, following)


def _add(
    uow: UnitOfWork,
    records: DrillRecords,
    run: DrillRun,
    text: str,
    at: datetime,
    like: DrillInject | None = None,
) -> DrillInject:
    number = max((inject.number for inject in records.injects(run.incident_id)), default=0) + 1
    new = NewInject(
        number=number,
        due_at=at,
        text=text,
        sender=like.sender if like else None,
        requires=like.requires if like else (),
    )
    inject = records.add_inject(run.incident_id, new)
    row = uow.tx.add_reminder(
        NewReminder(kind=kinds.INJECT, due_at=at, incident_id=run.incident_id, subject_id=inject.id)
    )
    if row is not None and uow.worker is not None:
        # Leased to the thread applying the control from this commit on, as `outbox.enqueue(…,
        # worker)` writes a row: no scheduler takes it before that thread sends it, at once.
        [row] = uow.tx.claim_reminder_ids([row.id], uow.worker, uow.now, uow.now + LEASE)
    if row is not None:
        uow.emit_queued(row)
    return inject
