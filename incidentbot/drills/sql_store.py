"""The drill's SQL, on the connection of the transaction it is part of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from incidentbot.drills.kinds import END, INJECT
from incidentbot.drills.ports import DrillInject, DrillRecords, DrillRun, NewInject, Reply, Upload
from incidentbot.drills.scenario import Requirement, Scenario
from incidentbot.drills.sql_tables import drill_injects, drill_replies, drill_runs
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.tables import reminders

PARKED = datetime(9999, 1, 1, tzinfo=UTC)
"""Where a paused drill's injects wait: no scheduler takes them until the drill resumes."""


def drills_of(tx: object) -> DrillRecords:
    """The drill's records on the same connection as a store transaction."""
    connection = getattr(tx, "db", None)
    if not isinstance(connection, Connection):
        raise TypeError(f"drills need a SQL transaction, not {type(tx).__name__}")
    return DrillsSql(connection)


class DrillsSql:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add_run(self, run: DrillRun) -> None:
        self.db.execute(
            insert(drill_runs).values(
                incident_id=run.incident_id,
                team_id=run.team_id,
                scenario_name=run.scenario.name,
                scenario=run.scenario.model_dump(mode="json"),
                scale=run.scale,
                facilitator=run.facilitator,
                participants=list(run.participants),
                started_at=run.started_at,
            )
        )

    def run(self, incident_id: int, *, for_update: bool = False) -> DrillRun | None:
        query = select(drill_runs).where(drill_runs.c.incident_id == incident_id)
        if for_update and self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _run(row) if row else None

    def runs_of(self, team_id: str, scenario_name: str) -> list[DrillRun]:
        rows = self.db.execute(
            select(drill_runs)
            .where(drill_runs.c.team_id == team_id, drill_runs.c.scenario_name == scenario_name)
            .order_by(drill_runs.c.started_at, drill_runs.c.incident_id)
        )
        return [_run(row) for row in rows]

    def save_run(self, run: DrillRun) -> None:
        self.db.execute(
            update(drill_runs)
            .where(drill_runs.c.incident_id == run.incident_id)
            .values(
                started_at=run.started_at,
                ends_at=run.ends_at,
                paused_at=run.paused_at,
                ended_at=run.ended_at,
                ended_by=run.ended_by,
            )
        )

    def add_inject(self, incident_id: int, new: NewInject) -> DrillInject:
        row = self.db.execute(
            insert(drill_injects)
            .values(
                incident_id=incident_id,
                number=new.number,
                due_at=new.due_at,
                text=new.text,
                sender=new.sender,
                requires=[r.model_dump(mode="json") for r in new.requires],
                skipped=0,
            )
            .returning(drill_injects)
        ).one()
        return _inject(row)

    def inject(self, inject_id: int) -> DrillInject | None:
        row = self.db.execute(select(drill_injects).where(drill_injects.c.id == inject_id)).one_or_none()
        return _inject(row) if row else None

    def injects(self, incident_id: int) -> list[DrillInject]:
        rows = self.db.execute(
            select(drill_injects)
            .where(drill_injects.c.incident_id == incident_id)
            .order_by(drill_injects.c.number)
        )
        return [_inject(row) for row in rows]

    def mark_delivered(self, inject_id: int, at: datetime, message_ts: str | None = None) -> bool:
        done = self.db.execute(
            update(drill_injects)
            .where(
                drill_injects.c.id == inject_id,
                drill_injects.c.delivered_at.is_(None),
                drill_injects.c.skipped == 0,
            )
            .values(delivered_at=at, message_ts=message_ts)
        )
        return bool(done.rowcount)

    def add_reply(self, incident_id: int, reply: Reply) -> bool:
        known = select(drill_replies.c.id).where(
            drill_replies.c.incident_id == incident_id, drill_replies.c.ts == reply.ts
        )
        if self.db.execute(known).first() is not None:
            return False
        self.db.execute(insert(drill_replies).values(incident_id=incident_id, **asdict(reply)))
        return True

    def replies(self, incident_id: int) -> list[Reply]:
        rows = self.db.execute(
            select(drill_replies)
            .where(drill_replies.c.incident_id == incident_id)
            .order_by(drill_replies.c.posted_at, drill_replies.c.id)
        )
        return [Reply(row.inject_id, row.user_id, row.ts, row.thread_ts, row.posted_at) for row in rows]

    def mark_skipped(self, inject_ids: Sequence[int]) -> None:
        if inject_ids:
            self.db.execute(
                update(drill_injects)
                .where(drill_injects.c.id.in_(list(inject_ids)), drill_injects.c.delivered_at.is_(None))
                .values(skipped=1)
            )

    def park_waiting(self, incident_id: int) -> None:
        for inject in self.injects(incident_id):
            if inject.waiting:
                self._move_reminder(inject.id, PARKED)

    def shift_waiting(self, incident_id: int, by: timedelta) -> None:
        for inject in self.injects(incident_id):
            if inject.waiting:
                due = inject.due_at + by
                self.db.execute(
                    update(drill_injects).where(drill_injects.c.id == inject.id).values(due_at=due)
                )
                self._move_reminder(inject.id, due)

    def move_end(self, incident_id: int, due: datetime) -> None:
        self._move_reminder(incident_id, due, END)

    def scorecard_upload(self, incident_id: int) -> Upload | None:
        row = self.db.execute(
            select(drill_runs.c.scorecard_file_id, drill_runs.c.scorecard_upload_url).where(
                drill_runs.c.incident_id == incident_id
            )
        ).one_or_none()
        if row is None or row.scorecard_file_id is None:
            return None
        return Upload(row.scorecard_file_id, row.scorecard_upload_url or "")

    def remember_upload(self, incident_id: int, upload: Upload | None) -> None:
        self.db.execute(
            update(drill_runs)
            .where(drill_runs.c.incident_id == incident_id)
            .values(
                scorecard_file_id=upload.file_id if upload else None,
                scorecard_upload_url=upload.upload_url if upload else None,
            )
        )

    def _move_reminder(self, inject_id: int, due: datetime, kind: str = INJECT) -> None:
        # A reminder being delivered right now goes out as it is; its handler re-reads the run.
        self.db.execute(
            update(reminders)
            .where(
                reminders.c.kind == kind,
                reminders.c.subject_id == inject_id,
                reminders.c.state == ReminderState.PENDING.value,
                reminders.c.claimed_by.is_(None),
            )
            .values(due_at=due)
        )


def _run(row: Row[Any]) -> DrillRun:
    data = row._mapping
    return DrillRun(
        incident_id=data["incident_id"],
        team_id=data["team_id"],
        scenario=Scenario.model_validate(data["scenario"]),
        scale=data["scale"],
        facilitator=data["facilitator"],
        participants=tuple(data["participants"]),
        started_at=data["started_at"],
        ends_at=data["ends_at"],
        paused_at=data["paused_at"],
        ended_at=data["ended_at"],
        ended_by=data["ended_by"],
    )


def _inject(row: Row[Any]) -> DrillInject:
    data = row._mapping
    return DrillInject(
        id=data["id"],
        incident_id=data["incident_id"],
        number=data["number"],
        due_at=data["due_at"],
        text=data["text"],
        sender=data["sender"],
        requires=tuple(Requirement.model_validate(r) for r in data["requires"]),
        delivered_at=data["delivered_at"],
        skipped=bool(data["skipped"]),
        message_ts=data["message_ts"],
    )
