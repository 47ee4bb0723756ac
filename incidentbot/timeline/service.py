"""Keeping the timeline by hand: notes, entries from the message shortcut, edits and removals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from incidentbot.incident.models import EventKind, TimelineEvent
from incidentbot.incident.permissions import Permissions
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentError, IncidentNotFound, SlackUnavailable
from incidentbot.kernel.ports import NewEvent, Transaction
from incidentbot.roles.actors import actor_name
from incidentbot.timeline.rules import EventSource, clip


class TimeInFuture(IncidentError):
    code = "timeline/timeline_time_future"


class EntryNotFound(IncidentError):
    code = "timeline/timeline_entry_not_found"


class NotEditor(IncidentError):
    code = "timeline/timeline_not_editor"


# the message shortcut ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageEntry:
    """What the scribe saved from the "Add to timeline" modal."""

    incident_id: int
    channel_id: str
    message_ts: str
    text: str
    occurred_at: datetime
    kind: EventKind
    author_id: str | None
    author_name: str | None


def save_message_entry(services: Services, entry: MessageEntry) -> TimelineEvent:
    """One entry per message: a second save (or an earlier 📌) is replaced by this wording.

    Only the database: quick enough to finish before Slack is acknowledged. `link_message`
    adds the permalink and the check mark afterwards.
    """
    now = services.clock.now()
    if entry.occurred_at > now:
        raise TimeInFuture(entry.occurred_at.strftime("%H:%M UTC"))
    with services.store.transaction() as tx:
        return upsert_message_entry(tx, entry, now)


def link_message(services: Services, event: TimelineEvent, channel_id: str) -> TimelineEvent:
    """Give a saved entry its message's permalink, and mark the message as on the timeline."""
    ts = event.message_ts
    assert ts is not None, "only entries made from a message are linked"
    permalink = _permalink(services, channel_id, ts)
    if permalink and permalink != event.permalink:
        with services.store.transaction() as tx:
            current = tx.get_event(event.id)
            if current is not None:
                event = tx.update_event(current.model_copy(update={"permalink": permalink}))
    try:
        services.workspace.mark_captured(channel_id, ts)
    except SlackUnavailable:
        pass  # The entry is saved; the check mark is only a courtesy.
    return event


def upsert_message_entry(tx: Transaction, entry: MessageEntry, now: datetime) -> TimelineEvent:
    added = tx.add_event(
        NewEvent(
            incident_id=entry.incident_id,
            kind=entry.kind,
            text=entry.text.strip(),
            occurred_at=entry.occurred_at,
            actor_id=entry.author_id,
            actor_name=entry.author_name,
            message_ts=entry.message_ts,
            source=EventSource.SHORTCUT,
            recorded_at=now,
        )
    )
    if added is not None:
        return added
    existing = tx.event_for_message(entry.incident_id, entry.message_ts)
    assert existing is not None, "add_event only skips a message already recorded"
    if existing.deleted_at is None and _says_the_same(existing, entry):
        return existing  # The form sent again unchanged: nothing was edited.
    return tx.update_event(
        existing.model_copy(
            update={
                "text": entry.text.strip(),
                "occurred_at": entry.occurred_at,
                "kind": entry.kind,
                "actor_id": entry.author_id,
                "actor_name": entry.author_name,
                "source": EventSource.SHORTCUT.value,
                # Rewording a live entry is a change to the record; bringing back a removed one is not.
                "edited": existing.deleted_at is None,
                "deleted_at": None,
            }
        )
    )


def _says_the_same(existing: TimelineEvent, entry: MessageEntry) -> bool:
    return (existing.text, existing.kind, existing.occurred_at) == (
        entry.text.strip(),
        entry.kind,
        entry.occurred_at,
    )


def _permalink(services: Services, channel_id: str, ts: str) -> str | None:
    try:
        return services.workspace.permalink(channel_id, ts)
    except SlackUnavailable:
        return None


# reading ----------------------------------------------------------------------------------------


def entries(services: Services, incident_id: int) -> list[TimelineEvent]:
    with services.store.transaction() as tx:
        return tx.events(incident_id)


def with_names(services: Services, events: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    """Fill in actor names the record lacks (older automatic events), asking Slack once per person."""
    names: dict[str, str | None] = {}
    named: list[TimelineEvent] = []
    for event in events:
        if event.actor_name or not event.actor_id or not event.actor_id.startswith(("U", "W")):
            named.append(event)
            continue
        if event.actor_id not in names:
            names[event.actor_id] = actor_name(services, event.actor_id)
        name = names[event.actor_id]
        named.append(event.model_copy(update={"actor_name": name}) if name else event)
    return named


def is_editor(services: Services, incident_id: int, user_id: str) -> bool:
    with services.store.transaction() as tx:
        roster = tx.roster(incident_id)
    return services.policy.permissions.may_edit_timeline(roster, user_id)


# corrections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    text: str
    occurred_at: datetime
    kind: EventKind


def entry_for_editing(services: Services, event_id: int, by: str) -> TimelineEvent:
    """The entry, if `by` may change it (`Permissions.may_edit_timeline`); NotEditor or EntryNotFound."""
    with services.store.transaction() as tx:
        event = tx.get_event(event_id)
        if event is None or event.deleted_at is not None or event.kind is EventKind.TIMELINE_CORRECTED:
            raise EntryNotFound(str(event_id))
        _check_editor(tx, services.policy.permissions, event.incident_id, by)
        return event


def edit_entry(
    services: Services, event_id: int, by: str, change: Correction, by_name: str | None = None
) -> TimelineEvent:
    """Change an entry's text, time or kind; recorded as a correction unless nothing changed."""
    now = services.clock.now()
    if change.occurred_at > now:
        raise TimeInFuture(change.occurred_at.strftime("%H:%M UTC"))
    entry_for_editing(services, event_id, by)
    name = by_name or actor_name(services, by)
    with services.store.transaction() as tx:
        return edit_in(tx, services.policy.permissions, event_id, by, change, name, now)


def edit_in(
    tx: Transaction,
    permissions: Permissions,
    event_id: int,
    by: str,
    change: Correction,
    name: str | None,
    now: datetime,
) -> TimelineEvent:
    """`edit_entry` within a transaction, the editor's name already known."""
    before = tx.get_event(event_id)
    if before is None or before.deleted_at is not None or before.kind is EventKind.TIMELINE_CORRECTED:
        raise EntryNotFound(str(event_id))
    _check_editor(tx, permissions, before.incident_id, by)
    wanted = {"text": change.text.strip(), "kind": change.kind, "occurred_at": change.occurred_at}
    if int(change.occurred_at.timestamp()) == int(before.occurred_at.timestamp()):
        wanted["occurred_at"] = before.occurred_at  # The picker has whole seconds: unchanged.
    if all(getattr(before, key) == value for key, value in wanted.items()):
        return before
    after = tx.update_event(before.model_copy(update={**wanted, "edited": True}))
    _record_correction(tx, after, by, name, now, _edit_summary(before, after))
    return after


def delete_entry(services: Services, event_id: int, by: str, by_name: str | None = None) -> TimelineEvent:
    now = services.clock.now()
    entry_for_editing(services, event_id, by)
    name = by_name or actor_name(services, by)
    with services.store.transaction() as tx:
        return delete_in(tx, services.policy.permissions, event_id, by, name, now)


def delete_in(
    tx: Transaction, permissions: Permissions, event_id: int, by: str, name: str | None, now: datetime
) -> TimelineEvent:
    """`delete_entry` within a transaction, the remover's name already known."""
    before = tx.get_event(event_id)
    if before is None or before.deleted_at is not None or before.kind is EventKind.TIMELINE_CORRECTED:
        raise EntryNotFound(str(event_id))
    _check_editor(tx, permissions, before.incident_id, by)
    removed = tx.update_event(before.model_copy(update={"deleted_at": now}))
    summary = f"Removed the entry of {_hhmm(before.occurred_at)}: “{clip(before.text, 120)}”"
    _record_correction(tx, removed, by, name, now, summary)
    return removed


def _check_editor(tx: Transaction, permissions: Permissions, incident_id: int, user_id: str) -> None:
    if tx.get_incident(incident_id) is None:
        raise IncidentNotFound(str(incident_id))
    if not permissions.may_edit_timeline(tx.roster(incident_id), user_id):
        raise NotEditor(user_id)


def _edit_summary(before: TimelineEvent, after: TimelineEvent) -> str:
    changes = []
    if before.text != after.text:
        changes.append(f"text was “{clip(before.text, 120)}”")
    if before.occurred_at != after.occurred_at:
        changes.append(f"time was {_hhmm(before.occurred_at)}")
    if before.kind is not after.kind:
        changes.append(f"kind was {before.kind.value}")
    return f"Edited the entry of {_hhmm(after.occurred_at)} ({'; '.join(changes)})"


def _record_correction(
    tx: Transaction, entry: TimelineEvent, by: str, name: str | None, now: datetime, text: str
) -> None:
    tx.add_event(
        NewEvent(
            incident_id=entry.incident_id,
            kind=EventKind.TIMELINE_CORRECTED,
            text=text,
            occurred_at=now,
            actor_id=by,
            actor_name=name,
            recorded_at=now,
        )
    )


def _hhmm(when: datetime) -> str:
    return when.strftime("%H:%M UTC")
