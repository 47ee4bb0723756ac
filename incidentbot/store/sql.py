"""The services' store port, implemented with SQLAlchemy Core on one connection per transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError

from incidentbot.incident.models import (
    EventKind,
    Incident,
    Role,
    RoleAssignment,
    Roster,
    SetupState,
    Status,
    TimelineEvent,
)
from incidentbot.kernel.errors import Unstorable
from incidentbot.kernel.ports import NewEvent, NewIncident
from incidentbot.store.rows import in_time_order, incident_from_row
from incidentbot.store.sql_housekeeping import HousekeepingSql
from incidentbot.store.sql_outbox import OutboxSql
from incidentbot.store.sql_resolution import ResolutionSql
from incidentbot.store.sql_timeline import TimelineSql
from incidentbot.store.sql_updates import UpdatesSql
from incidentbot.store.tables import (
    incidents,
    processed_events,
    role_assignments,
    timeline_events,
    workspace_counters,
)


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        try:
            with self.engine.begin() as connection:
                yield SqlTransaction(connection, self.engine)
        except DataError as error:
            # The database refuses the values themselves (a NUL, a value too long for its
            # column): the same values will be refused however often they are tried.
            raise Unstorable(str(error.orig)) from error


class SqlTransaction(TimelineSql, ResolutionSql, UpdatesSql, OutboxSql, HousekeepingSql):
    def __init__(self, connection: Connection, engine: Engine) -> None:
        self.db = connection
        self._engine = engine

    @property
    def _is_postgres(self) -> bool:
        return self.db.dialect.name == "postgresql"

    def _upsert(self) -> Any:
        return postgresql.insert if self._is_postgres else sqlite.insert

    # incidents -----------------------------------------------------------------------------

    def _next_number(self, team_id: str) -> int:
        """Atomic per-workspace counter: concurrent declarations never share a number.

        On PostgreSQL it commits on its own connection so the counter row is locked for one
        statement, not for the whole declaration: declarations in a burst would otherwise queue
        behind each other. A declaration that fails after this leaves a gap in the numbers, never
        a duplicate. SQLite has one writer at a time anyway, so it stays in the transaction.
        """
        stmt = self._upsert()(workspace_counters).values(team_id=team_id, last_number=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[workspace_counters.c.team_id],
            set_={"last_number": workspace_counters.c.last_number + 1},
        ).returning(workspace_counters.c.last_number)
        if not self._is_postgres:
            return int(self.db.execute(stmt).scalar_one())
        with self._engine.begin() as counter:
            return int(counter.execute(stmt).scalar_one())

    def add_incident(self, new: NewIncident) -> Incident:
        number = self._next_number(new.team_id)
        row = self.db.execute(
            insert(incidents)
            .values(
                team_id=new.team_id,
                number=number,
                title=new.title,
                severity=int(new.severity),
                status=Status.INVESTIGATING.value,
                impact=new.impact,
                is_private=new.is_private,
                declared_by=new.declared_by,
                declared_at=new.declared_at,
                next_update_due=new.next_update_due,
                setup_state=SetupState.PENDING.value,
                drill=new.drill,
                time_scale=new.time_scale,
            )
            .returning(incidents)
        ).one()
        return incident_from_row(row)

    def get_incident(self, incident_id: int, *, for_update: bool = False) -> Incident | None:
        query = select(incidents).where(incidents.c.id == incident_id)
        if for_update and self._is_postgres:
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return incident_from_row(row) if row else None

    def incident_by_channel(self, channel_id: str) -> Incident | None:
        row = self.db.execute(select(incidents).where(incidents.c.channel_id == channel_id)).one_or_none()
        return incident_from_row(row) if row else None

    def incident_by_number(self, team_id: str, number: int) -> Incident | None:
        row = self.db.execute(
            select(incidents).where(incidents.c.team_id == team_id, incidents.c.number == number)
        ).one_or_none()
        return incident_from_row(row) if row else None

    def open_incidents(self, team_id: str) -> list[Incident]:
        rows = self.db.execute(
            select(incidents)
            .where(incidents.c.team_id == team_id, incidents.c.status != Status.RESOLVED.value)
            .order_by(incidents.c.number)
        )
        return [incident_from_row(row) for row in rows]

    def interrupted_setups(self) -> list[Incident]:
        rows = self.db.execute(
            select(incidents)
            .where(incidents.c.setup_state == SetupState.PENDING.value)
            .order_by(incidents.c.id)
        )
        return [incident_from_row(row) for row in rows]

    def save_incident(self, incident: Incident) -> Incident:
        values = incident.model_dump(exclude={"id", "team_id", "number"})
        values["severity"] = int(incident.severity)
        values["status"] = incident.status.value
        values["setup_state"] = incident.setup_state.value
        row = self.db.execute(
            update(incidents).where(incidents.c.id == incident.id).values(**values).returning(incidents)
        ).one()
        return incident_from_row(row)

    # roles ---------------------------------------------------------------------------------

    def roster(self, incident_id: int) -> Roster:
        return self.rosters([incident_id])[incident_id]

    def rosters(self, incident_ids: Sequence[int]) -> dict[int, Roster]:
        found = {incident_id: Roster() for incident_id in incident_ids}
        rows = self.db.execute(
            select(role_assignments.c.incident_id, role_assignments.c.role, role_assignments.c.user_id).where(
                role_assignments.c.incident_id.in_(list(incident_ids)), role_assignments.c.ended_at.is_(None)
            )
        )
        for incident_id, role, user_id in rows:
            found[incident_id] = found[incident_id].with_holder(Role(role), user_id)
        return found

    def role_history(self, incident_id: int) -> list[RoleAssignment]:
        rows = self.db.execute(in_time_order(role_assignments, incident_id, role_assignments.c.started_at))
        return [
            RoleAssignment(
                incident_id=row.incident_id,
                role=Role(row.role),
                user_id=row.user_id,
                assigned_by=row.assigned_by,
                started_at=row.started_at,
                ended_at=row.ended_at,
            )
            for row in rows
        ]

    def assign_role(
        self, incident_id: int, role: Role, user_id: str, assigned_by: str, at: datetime
    ) -> str | None:
        current = role_assignments.c
        relieved = self.db.execute(
            update(role_assignments)
            .where(current.incident_id == incident_id, current.role == role.value, current.ended_at.is_(None))
            .values(ended_at=at)
            .returning(current.user_id)
        ).scalar_one_or_none()
        self.db.execute(
            insert(role_assignments).values(
                incident_id=incident_id,
                role=role.value,
                user_id=user_id,
                assigned_by=assigned_by,
                started_at=at,
            )
        )
        return relieved

    # timeline ------------------------------------------------------------------------------

    def add_event(self, event: NewEvent) -> TimelineEvent | None:
        values = {
            "incident_id": event.incident_id,
            "occurred_at": event.occurred_at,
            "kind": event.kind.value,
            "text": event.text,
            "actor_id": event.actor_id,
            "actor_name": event.actor_name,
            "source": event.source,
            "message_ts": event.message_ts,
            "permalink": event.permalink,
            "recorded_at": event.recorded_at or event.occurred_at,
        }
        stmt = self._upsert()(timeline_events).values(**values)
        if event.message_ts is not None:
            stmt = stmt.on_conflict_do_nothing(
                index_elements=[timeline_events.c.incident_id, timeline_events.c.message_ts]
            )
        row = self.db.execute(stmt.returning(timeline_events)).one_or_none()
        return _event(row) if row else None

    def events(self, incident_id: int) -> list[TimelineEvent]:
        rows = self.db.execute(
            select(timeline_events)
            .where(timeline_events.c.incident_id == incident_id, timeline_events.c.deleted_at.is_(None))
            .order_by(timeline_events.c.occurred_at, timeline_events.c.id)
        )
        return [_event(row) for row in rows]

    # deliveries ----------------------------------------------------------------------------

    def first_delivery(self, event_id: str, at: datetime) -> bool:
        # RETURNING, not rowcount: psycopg 3 reports rowcount -1 here, which would read as "first".
        stmt = (
            self._upsert()(processed_events)
            .values(event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
            .returning(processed_events.c.event_id)
        )
        return self.db.execute(stmt).scalar_one_or_none() is not None

    def forget_delivery(self, event_id: str) -> None:
        self.db.execute(delete(processed_events).where(processed_events.c.event_id == event_id))


def _event(row: Row[Any]) -> TimelineEvent:
    data = dict(row._mapping)
    data["kind"] = EventKind(data["kind"])
    return TimelineEvent.model_validate({key: data[key] for key in TimelineEvent.model_fields if key in data})
