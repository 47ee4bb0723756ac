"""SQL for the status page, on the connection of the transaction that keeps the customer text."""

from __future__ import annotations

import secrets
import string
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, or_, select, update

from incidentbot.incident.models import Status
from incidentbot.status_page.model import ComponentState, Impact, PublicIncident, PublishedUpdate
from incidentbot.status_page.ports import NewPublishedUpdate
from incidentbot.status_page.sql_tables import (
    status_page_corrections,
    status_page_incidents,
    status_page_site,
    status_page_updates,
)

_ID_ALPHABET = string.ascii_lowercase + string.digits
PUBLIC_ID_LENGTH = 12


def public_id() -> str:
    """An id like Statuspage's (`p31zjtct2jer`), unguessable so it says nothing about other incidents."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def sql_of(tx: object) -> StatusPageSql:
    """The status page's SQL on the same connection as a store transaction."""
    connection = getattr(tx, "db", None)
    if not isinstance(connection, Connection):
        raise TypeError(f"the status page needs a SQL transaction, not {type(tx).__name__}")
    return StatusPageSql(connection)


class StatusPageSql:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def publish(self, new: NewPublishedUpdate) -> PublishedUpdate:
        self._upsert_incident(new, self._bump())
        update_id = public_id()
        self.db.execute(
            insert(status_page_updates).values(
                public_id=update_id,
                incident_id=new.incident_id,
                comms_text_id=new.comms_text_id,
                stage=new.stage.value,
                body=new.body,
                next_update_at=new.next_update_at,
                components={name: state.value for name, state in new.components.items()},
                published_at=new.published_at,
                updated_at=new.published_at,
            )
        )
        row = self.db.execute(
            select(status_page_updates).where(status_page_updates.c.public_id == update_id)
        ).one()
        return _update(row)

    def _bump(self) -> int:
        """The next site version, for a change in this transaction; waits for any other's commit."""
        site = status_page_site
        bumped = update(site).where(site.c.id == 1).values(version=site.c.version + 1)
        return int(self.db.execute(bumped.returning(site.c.version)).scalar_one())

    def _upsert_incident(self, new: NewPublishedUpdate, revision: int) -> None:
        table = status_page_incidents
        values: dict[str, Any] = {
            "revision": revision,
            "name": new.name,
            "stage": new.stage.value,
            "impact": new.impact.value,
            "updated_at": new.published_at,
            "resolved_at": None if new.stage.is_open else new.published_at,
        }
        # The incident row is locked for the rest of the transaction: two texts published at
        # once for one incident keep their order.
        found = self.db.execute(
            select(table.c.incident_id).where(table.c.incident_id == new.incident_id).with_for_update()
        ).first()
        if found is None:
            values.update(incident_id=new.incident_id, public_id=public_id(), created_at=new.published_at)
            self.db.execute(insert(table).values(**values))
            return
        self.db.execute(update(table).where(table.c.incident_id == new.incident_id).values(**values))

    def version(self) -> tuple[int, int]:
        """The site version and how many incidents are published: changes with anything published."""
        incidents = select(func.count()).select_from(status_page_incidents).scalar_subquery()
        query = select(status_page_site.c.version, incidents).where(status_page_site.c.id == 1)
        found = self.db.execute(query).one()
        return int(found[0]), int(found[1])

    def published_impact(self, incident_id: int) -> Impact | None:
        table = status_page_incidents
        found = self.db.execute(select(table.c.impact).where(table.c.incident_id == incident_id)).scalar()
        return None if found is None else Impact(found)

    def public_incident(self, incident_id: int) -> PublicIncident | None:
        found = self._incidents(status_page_incidents.c.incident_id == incident_id)
        return found[0] if found else None

    def public_incidents(self, *, since: datetime | None = None) -> list[PublicIncident]:
        table = status_page_incidents
        where = None if since is None else or_(table.c.resolved_at.is_(None), table.c.resolved_at >= since)
        return self._incidents(where)

    def changed_incidents(self, after: int) -> list[PublicIncident]:
        """The incidents published or corrected after site version `after`."""
        return self._incidents(status_page_incidents.c.revision > after)

    def _incidents(self, where: Any) -> list[PublicIncident]:
        table = status_page_incidents
        query = select(table).order_by(table.c.created_at.desc(), table.c.incident_id.desc())
        rows = self.db.execute(query if where is None else query.where(where)).all()
        if not rows:
            return []
        updates = self._updates_of([row.incident_id for row in rows])
        return [_incident(row, updates[row.incident_id]) for row in rows]

    def _updates_of(self, incident_ids: list[int]) -> dict[int, list[PublishedUpdate]]:
        table = status_page_updates
        query = select(table).order_by(table.c.published_at.desc(), table.c.id.desc())
        if len(incident_ids) < 500:
            query = query.where(table.c.incident_id.in_(incident_ids))
        found: dict[int, list[PublishedUpdate]] = defaultdict(list)
        for row in self.db.execute(query):
            found[row.incident_id].append(_update(row))
        return found

    def correct(self, update_id: str, body: str, by: str, at: datetime) -> PublishedUpdate | None:
        table = status_page_updates
        row = self.db.execute(select(table).where(table.c.public_id == update_id).with_for_update()).first()
        if row is None:
            return None
        self.db.execute(
            insert(status_page_corrections).values(
                update_id=row.id, previous_body=row.body, corrected_by=by, corrected_at=at
            )
        )
        self.db.execute(update(table).where(table.c.id == row.id).values(body=body, updated_at=at))
        self.db.execute(
            update(status_page_incidents)
            .where(status_page_incidents.c.incident_id == row.incident_id)
            .values(updated_at=at, revision=self._bump())
        )
        return _update(self.db.execute(select(table).where(table.c.id == row.id)).one())

    def previous_bodies(self, update_id: str) -> list[str]:
        """What a corrected update said before, oldest first."""
        query = (
            select(status_page_corrections.c.previous_body)
            .join(status_page_updates, status_page_updates.c.id == status_page_corrections.c.update_id)
            .where(status_page_updates.c.public_id == update_id)
            .order_by(status_page_corrections.c.id)
        )
        return list(self.db.execute(query).scalars())


def _update(row: Row[Any]) -> PublishedUpdate:
    # Rows this module wrote itself: no validation needed, which is most of the cost of reading
    # thousands of them for the page.
    return PublishedUpdate.model_construct(
        id=row.public_id,
        incident_id=row.incident_id,
        stage=Status(row.stage),
        body=row.body,
        next_update_at=row.next_update_at,
        components={str(name): ComponentState(state) for name, state in dict(row.components).items()},
        published_at=row.published_at,
        updated_at=row.updated_at,
    )


def _incident(row: Row[Any], updates: list[PublishedUpdate]) -> PublicIncident:
    return PublicIncident.model_construct(
        id=row.public_id,
        incident_id=row.incident_id,
        name=row.name,
        stage=Status(row.stage),
        impact=Impact(row.impact),
        created_at=row.created_at,
        updated_at=row.updated_at,
        resolved_at=row.resolved_at,
        updates=tuple(updates),
    )
