"""In-memory updates and commitments for `MemoryStore` (`cadence/ports.py`; the SQL store's is
`store/sql_updates.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from incidentbot.cadence.commitment_rules import Commitment, CommitmentState
from incidentbot.cadence.ports import NewCommitment, NewUpdate
from incidentbot.cadence.update_rules import Update


class MemoryUpdates:
    """Mixed into MemoryStore, whose `update_rows`, `commitment_rows` and `row_ids` these are."""

    update_rows: dict[int, Update]
    commitment_rows: dict[int, Commitment]
    row_ids: Iterator[int]

    # updates

    def add_update(self, new: NewUpdate) -> Update:
        draft = new.draft.model_dump()
        draft["customer_text"] = draft["customer_text"] or None
        update = Update(
            id=next(self.row_ids),
            incident_id=new.incident_id,
            author_id=new.author_id,
            posted_at=new.posted_at,
            **draft,
        )
        self.update_rows[update.id] = update
        return update

    def latest_update(self, incident_id: int) -> Update | None:
        found = self.updates(incident_id)
        return found[-1] if found else None

    def updates(self, incident_id: int) -> list[Update]:
        return sorted(
            (u for u in self.update_rows.values() if u.incident_id == incident_id),
            key=lambda u: (u.posted_at, u.id),
        )

    def set_update_message(self, update_id: int, message_ts: str) -> None:
        if update := self.update_rows.get(update_id):
            self.update_rows[update_id] = update.model_copy(update={"message_ts": message_ts})

    # commitments

    def add_commitment(self, new: NewCommitment) -> Commitment:
        commitment = Commitment(
            id=next(self.row_ids),
            incident_id=new.incident_id,
            due_at=new.due_at,
            made_by=new.made_by,
            made_at=new.made_at,
            source=new.source,
        )
        self.commitment_rows[commitment.id] = commitment
        return commitment

    def get_commitment(self, commitment_id: int, *, for_update: bool = False) -> Commitment | None:
        return self.commitment_rows.get(commitment_id)

    def live_commitment(self, incident_id: int, *, for_update: bool = False) -> Commitment | None:
        live = [c for c in self.commitments(incident_id) if c.settled_at is None]
        return live[-1] if live else None

    def commitments(self, incident_id: int) -> list[Commitment]:
        return sorted(
            (c for c in self.commitment_rows.values() if c.incident_id == incident_id),
            key=lambda c: (c.made_at, c.id),
        )

    def mark_commitment_missed(self, commitment_id: int) -> bool:
        current = self.commitment_rows.get(commitment_id)
        if current is None or current.state is not CommitmentState.OPEN:
            return False
        self.commitment_rows[commitment_id] = current.model_copy(update={"state": CommitmentState.MISSED})
        return True

    def settle_commitment(self, commitment_id: int, state: CommitmentState, at: datetime) -> bool:
        current = self.commitment_rows.get(commitment_id)
        if current is None or current.settled_at is not None:
            return False
        self.commitment_rows[commitment_id] = current.model_copy(update={"state": state, "settled_at": at})
        return True
