"""Telling the cadence's reminders apart from the outbox rows that share their table."""

from __future__ import annotations

from collections.abc import Iterable

from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import Reminder, ReminderKind, ReminderState


def cadence(rows: Iterable[Reminder]) -> list[Reminder]:
    """Nags, their notices and escalations, without the outbox's messages."""
    return [r for r in rows if r.kind in set(ReminderKind)]


def outbox(rows: Iterable[Reminder], kind: OutboxKind | None = None) -> list[Reminder]:
    return [r for r in rows if r.kind in set(OutboxKind) and (kind is None or r.kind == kind)]


def pending(rows: Iterable[Reminder]) -> list[Reminder]:
    return [r for r in rows if r.state is ReminderState.PENDING]
