"""The "Add to timeline" shortcut, the entry modals, and the buttons on the timeline pages."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from incidentbot.checker import checking
from incidentbot.incident.models import EventKind, Incident
from incidentbot.kernel import commands
from incidentbot.kernel.errors import IncidentError
from incidentbot.kernel.reminder_rows import Reminder
from incidentbot.slack import parse
from incidentbot.slack.blocks.common import Blocks
from incidentbot.slack.listeners.actions import actor, open_modal_for
from incidentbot.slack.listeners.checker_context import team_checker_config
from incidentbot.slack.listeners.deps import Deps
from incidentbot.slack.once import delivery_key
from incidentbot.timeline import service as timeline
from incidentbot.timeline.corrections import EDIT_ENTRY, REMOVE_ENTRY, EditEntry, RemoveEntry
from incidentbot.timeline.message_entries import SAVE_MESSAGE_ENTRY, SaveMessageEntry
from incidentbot.timeline.render_exports import rows
from incidentbot.timeline.rules import SCRIBE_KINDS, ts_to_datetime
from incidentbot.timeline.slack_blocks import EntryForm, delete_modal, entry_modal
from incidentbot.timeline.slack_ids import TimelineAction, TimelineBlock, TimelineCallback
from incidentbot.timeline.slack_message_text import channel_message
from incidentbot.timeline.slack_show import render_page
from incidentbot.wrap_up.slack_blocks_resolution import digest
from incidentbot.wrap_up.slack_common import checker_config, review_text

log = logging.getLogger(__name__)


def _user_name(body: dict[str, Any]) -> str | None:
    user = body.get("user") or {}
    return str(user.get("name") or user.get("username") or "") or None


def register(app: App, deps: Deps) -> None:
    app.shortcut(TimelineCallback.ADD_TO_TIMELINE.value)(_shortcut(deps))
    app.view(TimelineCallback.TIMELINE_ADD.value)(_add_submitted(deps))
    app.view(TimelineCallback.TIMELINE_EDIT.value)(_edit_submitted(deps))
    app.view(TimelineCallback.TIMELINE_DELETE.value)(_delete_submitted(deps))
    app.action(re.compile(rf"^{TimelineAction.TIMELINE_PAGE}:"))(_page_turned(deps))
    app.action(TimelineAction.TIMELINE_ENTRY.value)(_entry_menu(deps))


# the message shortcut ---------------------------------------------------------------------------


def _shortcut(deps: Deps) -> Any:
    def on_add_to_timeline(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        deps.modal_later(*actor(body), partial(_offer_entry_form, deps, body))

    return on_add_to_timeline


def _offer_entry_form(deps: Deps, body: dict[str, Any]) -> None:
    """The entry form, filled from the message; or why it cannot be added."""
    channel, user = actor(body)
    message = body.get("message") or {}
    with deps.services.store.transaction() as tx:
        incident = tx.incident_by_channel(channel or "")
    if incident is None or not message.get("ts"):
        deps.tell(channel, user, deps.renderer.render("timeline/not_incident_channel.j2"))
        return
    read = channel_message(message, deps.workspace.name_of)
    occurred_at = ts_to_datetime(read.ts) or deps.services.clock.now()
    form = EntryForm(
        callback_id=TimelineCallback.TIMELINE_ADD,
        text=read.text,
        occurred_at=occurred_at,
        kind=EventKind.OTHER,
        metadata={
            "incident_id": incident.id,
            "channel": channel,
            "ts": read.ts,
            "author_id": read.author_id,
            "author_name": (read.author_name or "")[:200],
        },
        about=deps.renderer.render("timeline/about.j2", author=read.author_name, when=occurred_at),
    )
    deps.show_modal(str(body["trigger_id"]), entry_modal(form, deps.renderer))


def _add_submitted(deps: Deps) -> Any:
    def on_add(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors, text, when, kind = _entry_values(deps, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        meta = parse.metadata(view)
        if form := _add_review(deps, meta, text, when, kind):
            ack(response_action="update", view=form)
            return
        ts = str(meta.get("ts") or "")
        exact = ts_to_datetime(ts)
        if exact is not None and int(exact.timestamp()) == int(when.timestamp()):
            when = exact  # The picker has whole seconds; an unchanged time keeps the message's own.
        user = str(body["user"]["id"])
        asked = SaveMessageEntry(
            user_id=user,
            channel_id=str(meta.get("channel") or ""),
            incident_id=int(meta.get("incident_id") or 0),
            message_ts=ts,
            text=text,
            occurred_at=when,
            entry_kind=kind,
            author_id=meta.get("author_id") or None,
            author_name=meta.get("author_name") or None,
        )
        # Journalled with the claim on this very form, so a resent one is saved once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(asked.channel_id, user, partial(_save_link_and_tell, deps, row, asked))

    return on_add


def _save_link_and_tell(deps: Deps, row: Reminder, asked: SaveMessageEntry) -> None:
    saved = commands.apply_submitted(deps.services, row, SAVE_MESSAGE_ENTRY)
    if saved is None:
        return
    with deps.services.store.transaction() as tx:
        # As its link left it, when Slack took the link with the save.
        linked = tx.get_event(saved.id) or saved
        incident = tx.get_incident(linked.incident_id)
    line = rows([linked], deps.renderer)[0]
    text = deps.renderer.render("timeline/saved.j2", incident=incident, row=line)
    deps.tell(asked.channel_id, asked.user_id, text)


def _entry_values(deps: Deps, view: dict[str, Any]) -> tuple[dict[str, str], str, datetime, EventKind]:
    """Inline errors for the entry form, and what it says when there are none."""
    label = deps.renderer.label
    errors: dict[str, str] = {}
    text = parse.text_value(view, TimelineBlock.ENTRY_TEXT)
    if not text:
        errors[TimelineBlock.ENTRY_TEXT] = label("timeline.text_empty")
    now = deps.services.clock.now()
    when = parse.selected_datetime(view, TimelineBlock.ENTRY_TIME)
    if when is None:
        errors[TimelineBlock.ENTRY_TIME] = label("timeline.time_missing")
    elif when > now:
        errors[TimelineBlock.ENTRY_TIME] = label("timeline.time_future")
    chosen = parse.selected_value(view, TimelineBlock.ENTRY_KIND)
    kind = next((k for k in SCRIBE_KINDS if k.value == chosen), None)
    if kind is None:
        errors[TimelineBlock.ENTRY_KIND] = label("timeline.kind_missing")
    return errors, text, when or now, kind or EventKind.OTHER


# editing and removing ---------------------------------------------------------------------------


def _entry_menu(deps: Deps) -> Any:
    def on_entry_menu(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        channel, user = actor(body)
        chosen = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value") or ""
        verb, _, event_id = str(chosen).partition(":")
        if verb not in {"edit", "delete"} or not event_id.isdigit():
            return

        def build() -> dict[str, Any]:
            event = timeline.entry_for_editing(deps.services, int(event_id), user)
            meta = {"event_id": event.id, "channel": channel, "response_url": body.get("response_url")}
            if verb == "edit":
                kind = event.kind if event.kind in SCRIBE_KINDS else EventKind.OTHER
                form = EntryForm(TimelineCallback.TIMELINE_EDIT, event.text, event.occurred_at, kind, meta)
                return entry_modal(form, deps.renderer)
            return delete_modal(event, meta, deps.renderer)

        open_modal_for(deps, body, build)

    return on_entry_menu


def _edit_submitted(deps: Deps) -> Any:
    def on_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors, text, when, kind = _entry_values(deps, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        meta = parse.metadata(view)
        if form := _edit_review(deps, meta, text, when, kind):
            ack(response_action="update", view=form)
            return
        user = str(body["user"]["id"])
        original = _original_kind(deps, int(meta.get("event_id") or 0))
        if original is not None and original not in SCRIBE_KINDS and kind is EventKind.OTHER:
            kind = original  # Automatic events keep their kind unless the editor picks a real one.
        event_id = int(meta.get("event_id") or 0)
        try:
            timeline.entry_for_editing(deps.services, event_id, user)
        except IncidentError as error:
            ack(response_action="errors", errors={TimelineBlock.ENTRY_TEXT: deps.error_text(error)})
            return
        asked = EditEntry(
            user_id=user,
            channel_id=_channel(meta),
            event_id=event_id,
            user_name=_user_name(body),
            text=text,
            occurred_at=when,
            entry_kind=kind,
        )
        # Journalled with the claim on this very form, so a resent one is applied once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(meta.get("channel"), user, partial(_edit_and_redraw, deps, row, meta))

    return on_edit


def _channel(meta: dict[str, Any]) -> str | None:
    return str(meta.get("channel") or "") or None


def _edit_and_redraw(deps: Deps, row: Reminder, meta: dict[str, Any]) -> None:
    edited = commands.apply_submitted(deps.services, row, EDIT_ENTRY)
    if edited is None:
        return
    user = EDIT_ENTRY.read(row).user_id
    deps.tell(meta.get("channel"), user, deps.renderer.render("timeline/edited.j2", event=edited))
    _refresh_list(deps, meta, edited.incident_id, user)


def _remove_and_redraw(deps: Deps, row: Reminder, meta: dict[str, Any]) -> None:
    removed = commands.apply_submitted(deps.services, row, REMOVE_ENTRY)
    if removed is None:
        return
    user = REMOVE_ENTRY.read(row).user_id
    with deps.services.store.transaction() as tx:
        incident = tx.get_incident(removed.incident_id)
    text = deps.renderer.render("timeline/deleted.j2", event=removed, incident=incident)
    deps.tell(meta.get("channel"), user, text)
    _refresh_list(deps, meta, removed.incident_id, user)


def _edit_review(
    deps: Deps, meta: dict[str, Any], text: str, when: datetime, kind: EventKind
) -> dict[str, Any] | None:
    """The edit form again with the checker's findings, or None when the text may be saved:
    a timeline says what happened, not whose fault it was."""
    found = checking.postmortem_findings(text, team_checker_config(deps))
    reviewed = digest([text])
    if not found or meta.get("reviewed") == reviewed:
        return None
    review = review_text(deps, [(None, finding) for finding in found])
    form = EntryForm(
        TimelineCallback.TIMELINE_EDIT, text, when, kind, {**meta, "reviewed": reviewed}, review=review
    )
    return entry_modal(form, deps.renderer)


def _add_review(
    deps: Deps, meta: dict[str, Any], text: str, when: datetime, kind: EventKind
) -> dict[str, Any] | None:
    """The "Add to timeline" form again with the checker's findings, as the edit form does."""
    config = checker_config(deps, int(meta.get("incident_id") or 0))
    found = checking.postmortem_findings(text, config)
    reviewed = digest([text])
    if not found or meta.get("reviewed") == reviewed:
        return None
    review = review_text(deps, [(None, finding) for finding in found])
    about = deps.renderer.render("timeline/about.j2", author=meta.get("author_name") or None, when=when)
    metadata = {**meta, "reviewed": reviewed}
    form = EntryForm(TimelineCallback.TIMELINE_ADD, text, when, kind, metadata, about=about, review=review)
    return entry_modal(form, deps.renderer)


def _original_kind(deps: Deps, event_id: int) -> EventKind | None:
    with deps.services.store.transaction() as tx:
        event = tx.get_event(event_id)
    return event.kind if event else None


def _delete_submitted(deps: Deps) -> Any:
    def on_delete(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = parse.metadata(view)
        user = str(body["user"]["id"])
        event_id = int(meta.get("event_id") or 0)
        try:
            timeline.entry_for_editing(deps.services, event_id, user)
        except IncidentError as error:
            ack()  # The confirmation has no input to attach an error to: close it and say why.
            deps.tell_later(meta.get("channel"), user, deps.error_text(error))
            return
        asked = RemoveEntry(
            user_id=user, channel_id=_channel(meta), event_id=event_id, user_name=_user_name(body)
        )
        # Journalled with the claim on this very form, so a resent one is applied once.
        row = commands.submit(deps.services, asked, delivery_key(body))
        ack()
        if row is not None:
            deps.later(meta.get("channel"), user, partial(_remove_and_redraw, deps, row, meta))

    return on_delete


# pages ------------------------------------------------------------------------------------------


def _page_turned(deps: Deps) -> Any:
    def on_page(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        channel, user = actor(body)
        value = str((body.get("actions") or [{}])[0].get("value") or "")
        incident_id, _, number = value.partition(":")

        def show_page() -> None:
            incident = deps.services.view_of(int(incident_id) if incident_id.isdigit() else 0).incident
            text, blocks = render_page(deps, incident, user, int(number) if number.isdigit() else None)
            if body.get("response_url"):
                respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
            elif channel:
                deps.workspace.ephemeral(channel, user, text, blocks)

        deps.later(channel, user, show_page)

    return on_page


def _refresh_list(deps: Deps, meta: dict[str, Any], incident_id: int, user: str) -> None:
    """Redraw the timeline page the change was made from, if Slack gave us its response_url."""
    response_url = meta.get("response_url")
    if not isinstance(response_url, str) or not response_url:
        return
    with deps.services.store.transaction() as tx:
        incident: Incident | None = tx.get_incident(incident_id)
    if incident is None:
        return
    text, blocks = render_page(deps, incident, user, None)
    _replace(response_url, text, blocks)


def _replace(response_url: str, text: str, blocks: Blocks) -> None:
    try:
        WebhookClient(response_url, timeout=10).send(
            text=text, blocks=blocks, replace_original=True, response_type="ephemeral"
        )
    except (SlackClientError, OSError) as error:
        log.info("could not redraw the timeline page: %s", error)
