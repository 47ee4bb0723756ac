"""Capturing channel messages marked with the timeline reaction.

The entry takes the message's own time, author, text and permalink. When Slack will not hand
over the message (an outage, or rate limits outlasting the client's retries) the entry is
recorded anyway with what the reaction event says (time from the ts, author from `item_user`)
and a placeholder text; the next capture in the same incident, or the next look at the timeline,
fetches it again and fills it in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidentbot.domain.models import EventKind, Incident, TimelineEvent
from incidentbot.domain.timeline import PENDING_TEXT, EventSource, ts_to_datetime
from incidentbot.services.actors import actor_name
from incidentbot.services.context import Services
from incidentbot.services.errors import SlackUnavailable
from incidentbot.services.ports import ChannelMessage, NewEvent

REFETCH_PER_CAPTURE = 5


class Outcome(StrEnum):
    CAPTURED = "captured"
    ALREADY = "already"
    PENDING = "pending"
    GONE = "gone"
    NOT_INCIDENT = "not_incident"


@dataclass(frozen=True)
class Capture:
    outcome: Outcome
    incident: Incident | None = None
    event: TimelineEvent | None = None


@dataclass(frozen=True)
class Marked:
    """A reaction on a message: where, by whom, and whose message the event says it is."""

    channel_id: str
    ts: str
    reactor: str
    item_user: str | None = None


def capture(services: Services, marked: Marked) -> Capture:
    incident = _incident_of(services, marked.channel_id)
    if incident is None:
        return Capture(Outcome.NOT_INCIDENT)
    refetch_unfetched(services, incident)
    with services.store.transaction() as tx:
        existing = tx.event_for_message(incident.id, marked.ts)
    if existing is not None and existing.deleted_at is None:
        _confirm(services, marked)
        pending = existing.text == PENDING_TEXT
        return Capture(Outcome.PENDING if pending else Outcome.ALREADY, incident, existing)
    try:
        message = services.workspace.message(marked.channel_id, marked.ts)
    except SlackUnavailable:
        return _record_unfetched(services, incident, marked)
    if message is None:
        return Capture(Outcome.GONE, incident)
    permalink = _permalink(services, marked.channel_id, marked.ts)
    event = _record(services, incident, _from_message(incident, message, permalink, services.clock.now()))
    _confirm(services, marked)
    return Capture(Outcome.CAPTURED, incident, event)


def release(services: Services, channel_id: str, ts: str) -> TimelineEvent | None:
    """The last timeline reaction is gone: remove the entry it made. Returns the removed entry."""
    incident = _incident_of(services, channel_id)
    if incident is None:
        return None
    with services.store.transaction() as tx:
        existing = tx.event_for_message(incident.id, ts)
    if existing is None or existing.deleted_at is not None or existing.source != EventSource.REACTION:
        return None  # Entries saved through the shortcut stay until a commander or scribe removes them.
    try:
        if services.workspace.timeline_reactions(channel_id, ts) > 0:
            return None
    except SlackUnavailable:
        return None  # Unsure whether someone still marks it: keeping the entry loses nothing.
    with services.store.transaction() as tx:
        removed = tx.update_event(existing.model_copy(update={"deleted_at": services.clock.now()}))
    try:
        services.workspace.unmark_captured(channel_id, ts)
    except SlackUnavailable:
        pass
    return removed


def message_edited(
    services: Services, channel_id: str, ts: str, now_reads: Callable[[], ChannelMessage]
) -> TimelineEvent | None:
    """A captured message changed: the entry keeps what was captured and is marked edited.

    An entry still waiting for its text takes the message as it reads now (`now_reads()`) instead.
    """
    incident = _incident_of(services, channel_id)
    if incident is None:
        return None
    with services.store.transaction() as tx:
        existing = tx.event_for_message(incident.id, ts)
        if existing is None or existing.deleted_at is not None:
            return None
        if existing.text == PENDING_TEXT:
            return tx.update_event(_filled_in(existing, now_reads(), existing.permalink))
        if existing.edited:
            return existing
        return tx.update_event(existing.model_copy(update={"edited": True}))


def refetch_unfetched(services: Services, incident: Incident) -> int:
    """Fill in entries captured while Slack would not give their text. Returns how many were settled."""
    if incident.channel_id is None:
        return 0
    with services.store.transaction() as tx:
        waiting = tx.unfetched_captures(incident.id, REFETCH_PER_CAPTURE)
    settled = 0
    for entry in waiting:
        assert entry.message_ts is not None
        try:
            message = services.workspace.message(incident.channel_id, entry.message_ts)
        except SlackUnavailable:
            break  # Still unavailable: try again at the next capture.
        permalink = entry.permalink or _permalink(services, incident.channel_id, entry.message_ts)
        with services.store.transaction() as tx:
            if message is None:
                tx.update_event(entry.model_copy(update={"deleted_at": services.clock.now()}))
            else:
                tx.update_event(_filled_in(entry, message, permalink))
        settled += 1
    return settled


def _incident_of(services: Services, channel_id: str) -> Incident | None:
    with services.store.transaction() as tx:
        return tx.incident_by_channel(channel_id)


def _from_message(
    incident: Incident, message: ChannelMessage, permalink: str | None, now: datetime
) -> NewEvent:
    return NewEvent(
        incident_id=incident.id,
        kind=EventKind.OTHER,
        text=message.text.strip(),
        occurred_at=ts_to_datetime(message.ts) or now,
        actor_id=message.author_id,
        actor_name=message.author_name,
        message_ts=message.ts,
        permalink=permalink,
        source=EventSource.REACTION,
        recorded_at=now,
    )


def _record_unfetched(services: Services, incident: Incident, marked: Marked) -> Capture:
    now = services.clock.now()
    new = NewEvent(
        incident_id=incident.id,
        kind=EventKind.OTHER,
        text=PENDING_TEXT,
        occurred_at=ts_to_datetime(marked.ts) or now,
        actor_id=marked.item_user,
        actor_name=actor_name(services, marked.item_user),
        message_ts=marked.ts,
        source=EventSource.REACTION,
        recorded_at=now,
    )
    event = _record(services, incident, new)
    _confirm(services, marked)
    return Capture(Outcome.PENDING, incident, event)


def _record(services: Services, incident: Incident, new: NewEvent) -> TimelineEvent:
    """Insert, or bring back the entry this message had before its reaction was removed."""
    assert new.message_ts is not None
    with services.store.transaction() as tx:
        added = tx.add_event(new)
        if added is not None:
            return added
        existing = tx.event_for_message(incident.id, new.message_ts)
        assert existing is not None, "add_event only skips a message already recorded"
        if existing.deleted_at is None:
            return existing  # Someone else's reaction won the race; one message, one entry.
        return tx.update_event(
            existing.model_copy(
                update={
                    "kind": new.kind,
                    "text": new.text,
                    "occurred_at": new.occurred_at,
                    "actor_id": new.actor_id,
                    "actor_name": new.actor_name,
                    "permalink": new.permalink,
                    "source": new.source,
                    "edited": False,
                    "deleted_at": None,
                }
            )
        )


def _filled_in(entry: TimelineEvent, message: ChannelMessage, permalink: str | None) -> TimelineEvent:
    return entry.model_copy(
        update={
            "text": message.text.strip(),
            "actor_id": message.author_id or entry.actor_id,
            "actor_name": message.author_name or entry.actor_name,
            "permalink": permalink,
        }
    )


def _permalink(services: Services, channel_id: str, ts: str) -> str | None:
    try:
        return services.workspace.permalink(channel_id, ts)
    except SlackUnavailable:
        return None


def _confirm(services: Services, marked: Marked) -> None:
    try:
        services.workspace.mark_captured(marked.channel_id, marked.ts)
    except SlackUnavailable:
        pass  # The entry is recorded; the check mark is only a courtesy.
