"""SQL for the updates' and the commitments' repositories (`cadence/ports.py`), in `SqlTransaction`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewUpdate
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.rows import in_time_order
from incidentbot.store.tables import commitments, updates

PENDING = ReminderState.PENDING.value


class UpdatesSql:
    db: Connection

    def add_update(self, new: NewUpdate) -> Update:
        draft = new.draft
        row = self.db.execute(
            insert(updates)
            .values(
                incident_id=new.incident_id,
                author_id=new.author_id,
                posted_at=new.posted_at,
                status=draft.status.value,
                severity=int(draft.severity),
                theory=draft.theory,
                tried=draft.tried,
                doing=draft.doing,
                impact=draft.impact,
                customer_text=draft.customer_text or None,
                next_update_at=draft.next_update_at,
            )
            .returning(updates)
        ).one()
        return _update(row)

    def latest_update(self, incident_id: int) -> Update | None:
        row = self.db.execute(
            select(updates)
            .where(updates.c.incident_id == incident_id)
            .order_by(updates.c.posted_at.desc(), updates.c.id.desc())
            .limit(1)
        ).one_or_none()
        return _update(row) if row else None

    def updates(self, incident_id: int) -> list[Update]:
        rows = self.db.execute(in_time_order(updates, incident_id, updates.c.posted_at))
        return [_update(row) for row in rows]

    def set_update_message(self, update_id: int, message_ts: str) -> None:
        self.db.execute(update(updates).where(updates.c.id == update_id).values(message_ts=message_ts))

    # commitments ---------------------------------------------------------------------------

    def add_commitment(self, new: NewCommitment) -> Commitment:
        row = self.db.execute(
            insert(commitments)
            .values(
                incident_id=new.incident_id,
                due_at=new.due_at,
                made_by=new.made_by,
                made_at=new.made_at,
                source=new.source.value,
                state=CommitmentState.OPEN.value,
            )
            .returning(commitments)
        ).one()
        return _commitment(row)

    def get_commitment(self, commitment_id: int, *, for_update: bool = False) -> Commitment | None:
        query = select(commitments).where(commitments.c.id == commitment_id)
        if for_update and self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _commitment(row) if row else None

    def live_commitment(self, incident_id: int, *, for_update: bool = False) -> Commitment | None:
        query = (
            select(commitments)
            .where(commitments.c.incident_id == incident_id, commitments.c.settled_at.is_(None))
            .order_by(commitments.c.made_at.desc(), commitments.c.id.desc())
            .limit(1)
        )
        if for_update and self.db.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.db.execute(query).one_or_none()
        return _commitment(row) if row else None

    def commitments(self, incident_id: int) -> list[Commitment]:
        rows = self.db.execute(in_time_order(commitments, incident_id, commitments.c.made_at))
        return [_commitment(row) for row in rows]

    def mark_commitment_missed(self, commitment_id: int) -> bool:
        done = self.db.execute(
            update(commitments)
            .where(commitments.c.id == commitment_id, commitments.c.state == CommitmentState.OPEN.value)
            .values(state=CommitmentState.MISSED.value)
        )
        return bool(done.rowcount)

    def settle_commitment(self, commitment_id: int, state: CommitmentState, at: datetime) -> bool:
        done = self.db.execute(
            update(commitments)
            .where(commitments.c.id == commitment_id, commitments.c.settled_at.is_(None))
            .values(state=state.value, settled_at=at)
        )
        return bool(done.rowcount)


def _update(row: Row[Any]) -> Update:
    data = dict(row._mapping)
    data["status"] = Status(data["status"])
    data["severity"] = Severity(data["severity"])
    return Update.model_validate(data)


def _commitment(row: Row[Any]) -> Commitment:
    data = dict(row._mapping)
    data["source"] = CommitmentSource(data["source"])
    data["state"] = CommitmentState(data["state"])
    return Commitment.model_validate(data)
