"""The timeline reaction added or removed, and captured messages edited afterwards.

Repeated deliveries of one event add nothing: `record_marks` journals a `reaction_added` event,
whose id is claimed in the transaction that records the mark, and `events.once_per_event` drops
repeats of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse

from incidentbot.domain.journal import JournalKind
from incidentbot.domain.reminders import Reminder
from incidentbot.services import journal, timeline_capture
from incidentbot.services.timeline_capture import Marked, Outcome
from incidentbot.slack.listeners.deps import Deps, answering_errors
from incidentbot.slack.message_text import channel_message

MARK_REQUEST = "timeline_mark_request"
"""Where `record_marks` leaves the journalled mark, for the listener to apply."""


def _reactor(body: dict[str, Any]) -> tuple[str | None, str]:
    event = body.get("event") or {}
    return (event.get("item") or {}).get("channel"), str(event.get("user") or "")


def marked(event: dict[str, Any], reaction: str, bot_user_id: str | None) -> Marked | None:
    """The message marked with the timeline reaction, or None for any other reaction."""
    item = event.get("item")
    if not isinstance(item, dict):
        return None
    name = str(event.get("reaction") or "").split("::", 1)[0]  # skin tones: `name::skin-tone-2`
    user = str(event.get("user") or "")
    if name != reaction or item.get("type") != "message" or not user or user == bot_user_id:
        return None
    channel, ts = item.get("channel"), item.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return None
    item_user = event.get("item_user")
    return Marked(channel, ts, user, item_user if isinstance(item_user, str) else None)


def _capture(deps: Deps, mark: Marked, request: Reminder) -> None:
    row = journal.apply_now(deps.services, request, timeline_capture.apply_mark)
    if row is None:
        return
    result = timeline_capture.capture_now(deps.services, row)
    template = {Outcome.GONE: "capture_gone", Outcome.PENDING: "capture_pending"}.get(result.outcome)
    if template:
        text = deps.renderer.render(f"timeline/{template}.j2", incident=result.incident)
        deps.tell(mark.channel_id, mark.reactor, text)


def record_marks(deps: Deps, reaction: str) -> Callable[..., Any]:
    """Journal a message marked with the timeline reaction before Slack hears back.

    Bolt acknowledges an event before its listener runs, but after the middleware: journalling
    here means an acknowledged mark is on record. A failure answers 500, so Slack retries it.
    """

    def middleware(
        body: dict[str, Any], context: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event = body.get("event")
        if body.get("type") == "event_callback" and isinstance(event, dict):
            mark = marked(event, reaction, context.get("bot_user_id"))
            if event.get("type") == "reaction_added" and mark is not None:
                event_id = body.get("event_id")
                request = timeline_capture.MarkRequest(
                    channel_id=mark.channel_id,
                    ts=mark.ts,
                    reactor=mark.reactor,
                    item_user=mark.item_user,
                    event_id=event_id if isinstance(event_id, str) else None,
                )
                context[MARK_REQUEST] = journal.accept(deps.services, JournalKind.MARK, request)
        return next()

    return middleware


def register(app: App, deps: Deps) -> None:
    reaction = deps.team.timeline_reaction
    app.middleware(record_marks(deps, reaction))

    @answering_errors(deps, _reactor)
    def on_reaction_added(event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        mark = marked(event, reaction, context.get("bot_user_id"))
        row = context.get(MARK_REQUEST)
        if mark is not None and isinstance(row, Reminder):
            deps.later(mark.channel_id, mark.reactor, partial(_capture, deps, mark, row))

    @answering_errors(deps, _reactor)
    def on_reaction_removed(event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        mark = marked(event, reaction, context.get("bot_user_id"))
        if mark is not None:
            work = partial(timeline_capture.release, deps.services, mark.channel_id, mark.ts)
            deps.later(mark.channel_id, mark.reactor, work)

    def on_message(event: dict[str, Any]) -> None:
        # Every message in the bot's channels arrives here; only edits of captured ones matter.
        if event.get("subtype") != "message_changed":
            return
        now, before = event.get("message") or {}, event.get("previous_message") or {}
        channel, ts = event.get("channel"), now.get("ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            return
        if now.get("text") == before.get("text") and now.get("files") == before.get("files"):
            return  # An unfurl or a reaction count, not an edit of the words.
        timeline_capture.message_edited(
            deps.services, channel, ts, lambda: channel_message(now, deps.workspace.name_of)
        )

    app.event("reaction_added")(on_reaction_added)
    app.event("reaction_removed")(on_reaction_removed)
    app.event("message")(on_message)
