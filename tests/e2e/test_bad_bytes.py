"""Bytes PostgreSQL refuses (NUL, other control characters, lone surrogates) never reach the store.

SQLite keeps a NUL in text; PostgreSQL refuses it. Both databases see the same cleaned text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from incidentbot.kernel import journal
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.timeline.notes import AddNote
from tests.e2e.helpers import declare, pending_requests, submit_declare, wait_until
from tests.e2e.timeline_helpers import captured, entries, note, reaction, send, told, ts_at
from tests.support.harness import RunningBot


def test_a_note_with_a_nul_byte_is_recorded_without_it(running: RunningBot) -> None:
    incident = declare(running)
    reply = note(running, "Rolled\x00 back\x07 deploy\tnow", channel_id=incident.channel_id)
    assert "Rolled back deploy\tnow" in reply
    notes = [e.text for e in entries(running, incident.id) if e.source == "note"]
    assert notes == ["Rolled back deploy\tnow"]
    assert pending_requests(running) == []


def test_a_declare_title_with_a_nul_byte_prefills_the_form_without_it(running: RunningBot) -> None:
    response = running.client.command("declare Checkout\x00 failing")
    assert response.status == 200, response.body
    view = running.slack.wait_for("views.open")[-1].args["view"]
    title = next(block for block in view["blocks"] if block.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Checkout failing"


def test_a_form_field_with_control_bytes_is_stored_without_them(running: RunningBot) -> None:
    incident = declare(running, title="Checkout\x00 failing", impact="Users\x1b cannot\x00 pay")
    assert incident.title == "Checkout failing"
    assert incident.impact == "Users cannot pay"


def test_a_lone_surrogate_in_a_form_field_is_dropped(running: RunningBot) -> None:
    incident = declare(running, title="Checkout \ud800failing")
    assert incident.title == "Checkout failing"


def test_a_pinned_message_with_a_nul_byte_is_captured_without_it(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 58)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Error\x00 rate at 40%")
    send(running, reaction(incident.channel_id, ts))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.text == "Error rate at 40%"


def test_a_declaration_whose_title_is_only_control_bytes_is_refused_inline(running: RunningBot) -> None:
    response = submit_declare(running, title="\x00\x01")
    body = response.json()
    assert body["response_action"] == "errors"
    assert "title" in body["errors"]
    assert running.incident() is None


@contextmanager
def database_refusing(running: RunningBot, table: str, words: str) -> Iterator[None]:
    """The database refuses any statement on `table` carrying `words`, as PostgreSQL refuses a NUL."""
    engine = running.bot.engine
    refused = engine.dialect.loaded_dbapi.DataError

    def refuse(_db: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if table in statement and words in repr(parameters):
            raise refused("the database refuses this value")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_a_note_the_database_refuses_is_closed_and_its_author_told(running: RunningBot) -> None:
    incident = declare(running)
    with database_refusing(running, "timeline_events", "Refused words"):
        reply = note(running, "Refused words", channel_id=incident.channel_id)
        assert "would not store what you sent" in reply
        assert "will not be tried again" in reply
        assert pending_requests(running) == []
        running.clock.advance(timedelta(minutes=30))
        assert running.fire_due().retried == 0
    assert [e.text for e in entries(running, incident.id) if e.source == "note"] == []


def test_a_capture_the_database_refuses_is_closed_not_retried(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 58)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Refused words")
    with database_refusing(running, "UPDATE timeline_events", "Refused words"):
        send(running, reaction(incident.channel_id, ts))
        wait_until(lambda: _captures_closed(running, incident.id, ts))
        running.clock.advance(timedelta(minutes=30))
        assert running.fire_due().retried == 0
    assert _captures_closed(running, incident.id, ts)


def _captures_closed(running: RunningBot, incident_id: int, ts: str) -> bool:
    with running.services.store.transaction() as tx:
        entry = tx.event_for_message(incident_id, ts)
        rows = tx.outbox_rows(OutboxKind.CAPTURE, entry.id) if entry else []
    return bool(rows) and all(row.state is ReminderState.CANCELLED for row in rows)


def test_a_slack_name_with_a_nul_byte_is_recorded_without_it(running: RunningBot) -> None:
    running.slack.add_user("U002", "bo\x00b")
    incident = declare(running)
    ts = ts_at(11, 57)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Error rate at 40%")
    send(running, reaction(incident.channel_id, ts))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert (entry.actor_id, entry.actor_name, entry.text) == ("U002", "bob", "Error rate at 40%")


def test_a_replayed_request_the_database_refuses_is_closed_and_its_author_told(running: RunningBot) -> None:
    incident = declare(running)
    asked = AddNote(channel_id=incident.channel_id, user_id="U002", user_name="bob", words="Refused words")
    # Journalled and acknowledged, then the process died before applying it: the scheduler replays it.
    journal.accept(running.services, JournalKind.NOTE, asked)
    with database_refusing(running, "timeline_events", "Refused"):
        running.clock.advance(timedelta(minutes=1))
        assert running.fire_due(callers_alive=False).cancelled == 1
        assert pending_requests(running) == []
        running.clock.advance(timedelta(minutes=30))
        assert running.fire_due().retried == 0
    # Bob is not in the channel, so the explanation comes as a DM.
    delivered = [text for text in told(running, "U002") if "would not store what you sent" in text]
    assert running.slack.count("chat.postEphemeral") == 1, "tried in the channel first"
    assert len([c for c in running.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == "U002"]) == 1
    assert delivered
    assert [e.text for e in entries(running, incident.id) if e.source == "note"] == []


def test_a_journalled_request_that_no_longer_reads_is_closed_and_its_author_told(running: RunningBot) -> None:
    incident = declare(running)
    unreadable = json.dumps({"channel_id": incident.channel_id, "user_id": "U002", "words": 5})
    now = running.clock.now()
    with running.services.store.transaction() as tx:
        tx.add_request_row(JournalKind.NOTE, unreadable, now, now)
    running.clock.advance(timedelta(minutes=1))
    assert running.fire_due().cancelled == 1
    running.clock.advance(timedelta(minutes=30))
    assert running.fire_due().retried == 0
    assert pending_requests(running) == []
    assert any("could not be read back" in text for text in told(running, "U002"))
