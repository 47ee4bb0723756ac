"""Bytes PostgreSQL refuses (NUL, other control characters, lone surrogates) never reach the store.

SQLite keeps a NUL in text; PostgreSQL refuses it. Both databases see the same cleaned text.
"""

from __future__ import annotations

from tests.e2e.helpers import declare, pending_requests, submit_declare, wait_until
from tests.e2e.timeline_helpers import captured, entries, note, reaction, send, ts_at
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
