"""SQL for the incidents' repository (`incident/repository.py`); `SqlTransaction` inherits it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from incidentbot.incident.models import Incident, SetupState, Status
from incidentbot.incident.repository import NewIncident
from incidentbot.store.rows import dialect_insert, incident_from_row
from incidentbot.store.tables import incidents, workspace_counters


class IncidentsSql:
    db: Connection
    _engine: Engine

    def _next_number(self, team_id: str) -> int:
        """Atomic per-workspace counter: concurrent declarations never share a number.

        On PostgreSQL it commits on its own connection so the counter row is locked for one
        statement, not for the whole declaration: declarations in a burst would otherwise queue
        behind each other. A declaration that fails after this leaves a gap in the numbers, never
        a duplicate. SQLite has one writer at a time anyway, so it stays in the transaction.
        """
        stmt = dialect_insert(self.db)(workspace_counters).values(team_id=team_id, last_number=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[workspace_counters.c.team_id],
            set_={"last_number": workspace_counters.c.last_number + 1},
        ).returning(workspace_counters.c.last_number)
        if self.db.dialect.name != "postgresql":
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
        if for_update and self.db.dialect.name == "postgresql":
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

    def teams_with_incident(self, number: int) -> list[str]:
        rows = self.db.execute(
            select(incidents.c.team_id).where(incidents.c.number == number).order_by(incidents.c.team_id)
        )
        return [str(team) for team in rows.scalars()]

    def incidents_declared_since(self, team_id: str, since: datetime) -> list[Incident]:
        rows = self.db.execute(
            select(incidents)
            .where(incidents.c.team_id == team_id, incidents.c.declared_at >= since)
            .order_by(incidents.c.number)
        )
        return [incident_from_row(row) for row in rows]

    def incidents_numbered(self, number: int) -> list[Incident]:
        rows = self.db.execute(
            select(incidents).where(incidents.c.number == number).order_by(incidents.c.team_id)
        )
        return [incident_from_row(row) for row in rows]
