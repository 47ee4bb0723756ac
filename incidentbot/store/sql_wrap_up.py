"""SQL for the wrap-up's repository (`wrap_up/ports.py`): resolutions, customer texts, action
items and their reminders, postmortem analysis. `SqlTransaction` inherits it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from incidentbot.incident.models import Status
from incidentbot.store.rows import dialect_insert, in_time_order
from incidentbot.store.tables import (
    action_items,
    analysis_entries,
    comms_texts,
    reminders,
    resolutions,
)
from incidentbot.wrap_up.action_item_rules import ActionItem, ActionState
from incidentbot.wrap_up.analysis_rules import AnalysisEntry, AnalysisKind, FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience, CommsText, DraftFinding, StoredFinding
from incidentbot.wrap_up.ports import (
    ACTION_OVERDUE,
    ActionReminder,
    NewActionItem,
    NewAnalysisEntry,
    NewCommsText,
)
from incidentbot.wrap_up.resolution_rules import Resolution

PENDING = "pending"
DONE = "done"


class WrapUpSql:
    db: Connection

    # resolution ------------------------------------------------------------------------------

    def save_resolution(self, resolution: Resolution) -> Resolution:
        values = resolution.model_dump()
        stmt = dialect_insert(self.db)(resolutions).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[resolutions.c.incident_id],
            set_={key: stmt.excluded[key] for key in values if key != "incident_id"},
        )
        self.db.execute(stmt)
        saved = self.resolution(resolution.incident_id)
        assert saved is not None
        return saved

    def resolution(self, incident_id: int) -> Resolution | None:
        row = self.db.execute(
            select(resolutions).where(resolutions.c.incident_id == incident_id)
        ).one_or_none()
        return Resolution.model_validate(dict(row._mapping)) if row else None

    # what the timeline records ---------------------------------------------------------------

    # comms texts -----------------------------------------------------------------------------

    def add_comms_text(self, new: NewCommsText) -> CommsText:
        row = self.db.execute(
            insert(comms_texts)
            .values(
                incident_id=new.incident_id,
                audience=new.audience.value,
                stage=new.stage.value,
                text=new.text,
                author_id=new.author_id,
                created_at=new.created_at,
                findings=[finding.model_dump() for finding in new.findings],
                draft_findings=[finding.model_dump() for finding in new.draft_findings] or None,
            )
            .returning(comms_texts)
        ).one()
        return _comms_text(row)

    def set_comms_message(self, comms_id: int, message_ts: str) -> None:
        self.db.execute(update(comms_texts).where(comms_texts.c.id == comms_id).values(message_ts=message_ts))

    def comms_texts(self, incident_id: int, audience: CommsAudience | None = None) -> list[CommsText]:
        query = in_time_order(comms_texts, incident_id, comms_texts.c.created_at)
        if audience is not None:
            query = query.where(comms_texts.c.audience == audience.value)
        rows = self.db.execute(query)
        return [_comms_text(row) for row in rows]

    # action items ----------------------------------------------------------------------------

    def add_action_item(self, new: NewActionItem) -> ActionItem:
        row = self.db.execute(
            insert(action_items)
            .values(
                incident_id=new.incident_id,
                text=new.text,
                owner_id=new.owner_id,
                due_on=new.due_on.isoformat() if new.due_on else None,
                priority=new.priority.value,
                success_metric=new.success_metric,
                state=ActionState.OPEN.value,
                created_by=new.created_by,
                created_at=new.created_at,
            )
            .returning(action_items)
        ).one()
        return _action_item(row)

    def action_item(self, item_id: int) -> ActionItem | None:
        row = self.db.execute(select(action_items).where(action_items.c.id == item_id)).one_or_none()
        return _action_item(row) if row else None

    def action_items(self, incident_id: int) -> list[ActionItem]:
        rows = self.db.execute(
            select(action_items).where(action_items.c.incident_id == incident_id).order_by(action_items.c.id)
        )
        return [_action_item(row) for row in rows]

    def set_action_state(self, item_id: int, state: ActionState, at: datetime | None) -> ActionItem | None:
        row = self.db.execute(
            update(action_items)
            .where(action_items.c.id == item_id)
            .values(state=state.value, done_at=at)
            .returning(action_items)
        ).one_or_none()
        return _action_item(row) if row else None

    def schedule_action_reminder(self, item: ActionItem, due_at: datetime) -> bool:
        stmt = (
            dialect_insert(self.db)(reminders)
            .values(
                kind=ACTION_OVERDUE,
                incident_id=item.incident_id,
                commitment_id=None,
                subject_id=item.id,
                due_at=due_at,
                state=PENDING,
                attempts=0,
            )
            .on_conflict_do_nothing(
                index_elements=[reminders.c.kind, reminders.c.subject_id, reminders.c.due_at],
                index_where=reminders.c.commitment_id.is_(None),
            )
            # RETURNING tells a skipped row apart on every driver; an INSERT's rowcount may be -1.
            .returning(reminders.c.id)
        )
        return self.db.execute(stmt).scalar_one_or_none() is not None

    def action_reminders(self, item_id: int) -> list[ActionReminder]:
        rows = self.db.execute(
            select(reminders)
            .where(reminders.c.kind == ACTION_OVERDUE, reminders.c.subject_id == item_id)
            .order_by(reminders.c.due_at)
        )
        return [_reminder(row) for row in rows]

    def add_analysis_entry(self, new: NewAnalysisEntry) -> AnalysisEntry:
        row = self.db.execute(
            insert(analysis_entries)
            .values(
                incident_id=new.incident_id,
                kind=new.kind.value,
                category=new.category.value if new.category else None,
                content=new.content,
                author_id=new.author_id,
                created_at=new.created_at,
            )
            .returning(analysis_entries)
        ).one()
        return _analysis_entry(row)

    def analysis_entries(self, incident_id: int) -> list[AnalysisEntry]:
        rows = self.db.execute(in_time_order(analysis_entries, incident_id, analysis_entries.c.created_at))
        return [_analysis_entry(row) for row in rows]

    # looking incidents up --------------------------------------------------------------------


def _comms_text(row: Row[Any]) -> CommsText:
    return CommsText(
        id=row.id,
        incident_id=row.incident_id,
        audience=CommsAudience(row.audience),
        stage=Status(row.stage),
        text=row.text,
        author_id=row.author_id,
        created_at=row.created_at,
        findings=tuple(StoredFinding.model_validate(f) for f in row.findings or []),
        draft_findings=tuple(DraftFinding.model_validate(f) for f in row.draft_findings or []),
        message_ts=row.message_ts,
    )


def _action_item(row: Row[Any]) -> ActionItem:
    data = dict(row._mapping)
    data["due_on"] = date.fromisoformat(data["due_on"]) if data["due_on"] else None
    return ActionItem.model_validate(data)


def _reminder(row: Row[Any]) -> ActionReminder:
    return ActionReminder(
        id=row.id,
        incident_id=row.incident_id,
        subject_id=row.subject_id,
        due_at=row.due_at,
        state=row.state,
        kind=row.kind,
    )


def _analysis_entry(row: Row[Any]) -> AnalysisEntry:
    return AnalysisEntry(
        id=row.id,
        incident_id=row.incident_id,
        kind=AnalysisKind(row.kind),
        category=FactorCategory(row.category) if row.category else None,
        content=dict(row.content),
        author_id=row.author_id,
        created_at=row.created_at,
    )
