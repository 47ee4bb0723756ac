"""The timeline reaction added or removed, and captured messages edited afterwards.

Repeated deliveries of one event add nothing: `RecordMarks` journals a `reaction_added` event,
whose id is claimed in the transaction that records the mark, and `once.OncePerDelivery` drops
repeats of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from incidentbot.checker.checked_records import Added
from incidentbot.checker.slack_findings import tell_findings
from incidentbot.kernel import commands
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack.listeners.deps import Deps
from incidentbot.timeline import capture as timeline_capture
from incidentbot.timeline.capture import Marked, Outcome
from incidentbot.timeline.slack_message_text import channel_message

MARK_REQUEST = "timeline_mark_request"
"""Where `RecordMarks` leaves the journalled mark, for the listener to apply."""


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
    row = commands.apply_submitted(deps.services, request, timeline_capture.MARK_MESSAGE)
    if row is None:
        return
    result = timeline_capture.capture_now(deps.services, row)
    template = {Outcome.GONE: "capture_gone", Outcome.PENDING: "capture_pending"}.get(result.outcome)
    if template:
        text = deps.renderer.render(f"timeline/{template}.j2", incident=result.incident)
        deps.tell(mark.channel_id, mark.reactor, text)
    elif result.event is not None and result.incident is not None:
        entry = [Added(result.event.text)]
        tell_findings(deps, mark.channel_id, mark.reactor, result.incident.id, entry, "timeline")


class RecordMarks(Middleware):
    """Journal a message marked with the timeline reaction before Slack hears back.

    Bolt acknowledges an event before its listener runs, but after the listener's middleware:
    journalling here means an acknowledged mark is on record. A failure answers 500, so Slack
    retries it. A class rather than a function, so Bolt need not build every listener argument
    for it on each reaction.
    """

    def __init__(self, deps: Deps, reaction: str) -> None:
        self._deps = deps
        self._reaction = reaction

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event = req.body.get("event")
        if isinstance(event, dict):
            mark = marked(event, self._reaction, req.context.bot_user_id)
            if mark is not None:
                event_id = req.body.get("event_id")
                asked = timeline_capture.MarkMessage(
                    channel_id=mark.channel_id,
                    ts=mark.ts,
                    user_id=mark.reactor,
                    item_user=mark.item_user,
                    event_id=event_id if isinstance(event_id, str) else None,
                )
                req.context[MARK_REQUEST] = commands.submit(self._deps.services, asked)
        return next()


def register(app: App, deps: Deps) -> None:
    reaction = deps.team.timeline_reaction

    def on_reaction_added(event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        mark = marked(event, reaction, context.get("bot_user_id"))
        row = context.get(MARK_REQUEST)
        if mark is not None and isinstance(row, Reminder):
            deps.later(mark.channel_id, mark.reactor, partial(_capture, deps, mark, row))

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

    app.event("reaction_added", middleware=[RecordMarks(deps, reaction)])(on_reaction_added)
    app.event("reaction_removed")(on_reaction_removed)
    app.event("message")(on_message)
