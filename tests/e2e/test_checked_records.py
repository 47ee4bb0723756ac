"""The communication checker on what people add as they go: notes, 📌-marked messages, entries
from the message shortcut, action items typed on the command line, and structured updates.

They are saved as written; the person who added one is told, in an ephemeral, what the checker
found and what to write instead. The postmortem draft lists the same findings.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_postmortem import uploaded_document
from tests.e2e.timeline_helpers import captured, entries, note, reaction, send, told, ts_at
from tests.e2e.update_helpers import submit_update, wait_for_post
from tests.e2e.wrapup_helpers import ephemeral_to
from tests.e2e.wrapup_helpers import told as told_once
from tests.support import signing
from tests.support.harness import RunningBot

FOUND = "The communication checker found"
BLAMING_NOTE = "Bob carelessly restarted the API on all nodes"
SYSTEM_FRAMING = "Describe the gap in the system"


def _findings_told(running: RunningBot, user: str) -> list[str]:
    return [text for text in told(running, user) if FOUND in text]


def test_a_blaming_note_is_saved_as_written_and_its_author_is_told_what_to_write_instead(
    running: RunningBot,
) -> None:
    incident = declare(running)
    note(running, BLAMING_NOTE, channel_id=incident.channel_id)

    told_to = ephemeral_to(running, "U001", FOUND).args
    assert told_to["channel"] == incident.channel_id
    assert "carelessly" in told_to["text"] and SYSTEM_FRAMING in told_to["text"]
    assert "/incident timeline" in told_to["text"], "it says how to reword the entry"
    assert BLAMING_NOTE in [entry.text for entry in entries(running, incident.id)]


def test_a_clean_note_brings_no_findings(running: RunningBot) -> None:
    incident = declare(running)
    note(running, "Restarted the API on all nodes", channel_id=incident.channel_id)
    # The next note's findings come after the first note's check, on the same person's queue.
    note(running, BLAMING_NOTE, channel_id=incident.channel_id)
    ephemeral_to(running, "U001", FOUND)
    [found] = _findings_told(running, "U001")
    assert "carelessly" in found


def test_an_action_item_typed_as_a_command_is_checked(running: RunningBot) -> None:
    incident = declare(running)
    answer = running.client.command(
        "action Make sure Lukas stops skipping code review @bob in 4d P2", channel_id=incident.channel_id
    )
    assert answer.status == 200 and not answer.body

    text = ephemeral_to(running, "U001", FOUND).args["text"]
    assert "Lukas stops skipping" in text and "/incident action" in text
    with running.services.store.transaction() as tx:
        [item] = tx.action_items(incident.id)
    assert item.text == "Make sure Lukas stops skipping code review"


def test_a_marked_message_is_checked_and_the_person_who_marked_it_is_told(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 55)
    running.slack.add_message(
        incident.channel_id, ts, user="U002", text="The on-call forgot to renew the cert"
    )
    send(running, reaction(incident.channel_id, ts, user="U003", item_user="U002"))

    text = told_once(running, "U003", FOUND).args["text"]
    assert "forgot to renew" in text
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.text == "The on-call forgot to renew the cert"


def _shortcut_form(running: RunningBot, channel: str, ts: str) -> dict[str, Any]:
    message = running.slack.message(channel, ts)
    running.slack.clear_calls()
    response = running.client.shortcut("add_to_timeline", user_id="U003", channel_id=channel, message=message)
    assert response.status == 200
    return dict(running.slack.wait_for("views.open")[0].args["view"])


def test_an_entry_from_the_shortcut_comes_back_for_review_and_saves_when_sent_unchanged(
    running: RunningBot,
) -> None:
    incident = declare(running, scribe="U003")
    channel, ts = incident.channel_id, ts_at(11, 52, 10)
    running.slack.add_message(channel, ts, user="U002", text="rolling back now")
    view = _shortcut_form(running, channel, ts)
    epoch = int(datetime(2026, 1, 1, 11, 52, 10, tzinfo=UTC).timestamp())
    state = {
        "entry_text": {"value": signing.plain(BLAMING_NOTE)},
        "entry_time": {"value": signing.datetimepicker(epoch)},
        "entry_kind": {"value": signing.static_select("action")},
    }
    first = running.client.submit(
        "timeline_add", state, user_id="U003", private_metadata=view["private_metadata"]
    )

    answer = first.json()
    assert answer["response_action"] == "update"
    review = answer["view"]
    assert review["callback_id"] == "timeline_add" and review["submit"]["text"] == "Post anyway"
    assert "carelessly" in json.dumps(review["blocks"][0])
    kept = {b["block_id"]: b["element"] for b in review["blocks"] if "block_id" in b}
    assert kept["entry_text"]["initial_value"] == BLAMING_NOTE
    assert kept["entry_time"]["initial_date_time"] == epoch
    assert kept["entry_kind"]["initial_option"]["value"] == "action"
    assert "bob" in json.dumps(review["blocks"]), "the form still says whose message it is"
    assert captured(running, incident.id, ts) is None

    again = running.client.submit(
        "timeline_add", state, user_id="U003", private_metadata=review["private_metadata"]
    )
    assert again.status == 200 and not again.body
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.text == BLAMING_NOTE


def test_an_update_is_posted_and_its_author_told_the_findings_of_each_field(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    response = submit_update(
        running,
        incident,
        theory="The on-call ignored the disk alert",
        customer="Our connection pool is exhausted. Next update by 15:00 UTC.",
    )
    assert response.status == 200 and not response.body
    wait_for_post(running, incident.channel_id, "The on-call ignored the disk alert")

    text = ephemeral_to(running, "U002", FOUND).args["text"]
    assert "What we know now (current theory): “The on-call ignored" in text
    assert "Customer-facing wording (optional): “connection pool”" in text
    assert "/incident update" in text


def test_the_postmortem_draft_lists_what_was_found_in_a_note(running: RunningBot) -> None:
    incident = declare(running)
    note(running, BLAMING_NOTE, channel_id=incident.channel_id)
    running.client.command("postmortem", channel_id=incident.channel_id)
    _, upload = uploaded_document(running)
    assert "personal-blame" in upload["initial_comment"] and "carelessly" in upload["initial_comment"]


def test_a_user_group_named_in_a_note_is_a_team_for_the_checker(running: RunningBot) -> None:
    running.slack.user_groups.add("S0PLATFORM", "platform", "Platform", ["U002", "U003"])
    incident = declare(running)
    reply = note(running, "@platform forgot to renew the certificate", channel_id=incident.channel_id)
    assert "@platform forgot" in reply, "the group's mention reads as its handle on the timeline"

    text = ephemeral_to(running, "U001", FOUND).args["text"]
    assert "platform forgot to renew" in text
    assert running.slack.count("usergroups.list") == 1


def test_without_the_group_its_handle_is_just_a_word(running: RunningBot) -> None:
    incident = declare(running)
    note(running, "@platform forgot to renew the certificate", channel_id=incident.channel_id)
    note(running, BLAMING_NOTE, channel_id=incident.channel_id)
    ephemeral_to(running, "U001", FOUND)
    [found] = _findings_told(running, "U001")
    assert "carelessly" in found


def test_a_blaming_declaration_is_declared_and_the_declarer_told(running: RunningBot) -> None:
    incident = declare(running, title="Checkout down after Raj's deploy broke payments")

    told_to = ephemeral_to(running, "U001", FOUND).args
    assert told_to["channel"] == incident.channel_id
    assert "Title: “Raj's deploy broke" in told_to["text"] and "/incident update" in told_to["text"]
    assert incident.title == "Checkout down after Raj's deploy broke payments"


def test_a_clean_declaration_brings_no_findings(running: RunningBot) -> None:
    first = declare(running)
    note(running, BLAMING_NOTE, channel_id=first.channel_id)
    ephemeral_to(running, "U001", FOUND)
    [found] = _findings_told(running, "U001")
    assert "carelessly" in found
