"""`/incident timeline`: paged within Slack's limits, editable by the commander and the scribe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.kernel.reminder_rows import Reminder
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import all_rows, entries, note
from tests.e2e.wrapup_helpers import ephemeral_to
from tests.support import reminder_rows, signing
from tests.support.fake_slack import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from tests.support.harness import RunningBot


def _fill(running: RunningBot, incident_id: int, count: int, long_one: int | None = None) -> None:
    start = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    with running.services.store.transaction() as tx:
        for n in range(count):
            text = ("x" * 10_000) if n == long_one else f"Step {n:03d} <!here>"
            tx.add_event(
                NewEvent(
                    incident_id=incident_id,
                    kind=EventKind.NOTE,
                    text=text,
                    occurred_at=start + timedelta(seconds=20 * n),
                    actor_id="U002",
                    actor_name="bob",
                    source="note",
                )
            )


def _messages_owed(running: RunningBot, incident_id: int) -> list[Reminder]:
    with running.services.store.transaction() as tx:
        return reminder_rows.pending(reminder_rows.outbox(tx.reminders(incident_id)))


def _shown(call_args: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] for b in call_args["blocks"] if b["type"] in ("section", "context") and "text" in b
    ) + "\n".join(e["text"] for b in call_args["blocks"] if b["type"] == "context" for e in b["elements"])


def _within_limits(call_args: dict[str, Any]) -> None:
    blocks = call_args["blocks"]
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_TEXT


def test_the_timeline_is_shown_to_the_caller_only(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("severity 2", channel_id=incident.channel_id)
    wait_until(lambda: len(entries(running, incident.id)) == 2)
    note(running, "Error rate back under 1%", channel_id=incident.channel_id)
    wait_until(lambda: not _messages_owed(running, incident.id))  # the severity notice and summary edit
    running.slack.clear_calls()
    assert running.client.command("timeline", user_id="U001", channel_id=incident.channel_id).status == 200
    shown = running.slack.wait_for("chat.postEphemeral")[0].args
    assert shown["user"] == "U001" and shown["channel"] == incident.channel_id
    text = _shown(shown)
    assert "Timeline of #1" in text and "3 entries" in text
    assert "Incident declared at SEV-1: Checkout failing" in text
    assert "Severity changed from SEV-1 to SEV-2" in text
    assert "Error rate back under 1%" in text
    assert "alice" in text, "actors are named"
    assert running.slack.count("chat.postMessage") == 0, "nothing posted for everyone"


def test_a_long_timeline_is_paged_within_slacks_limits(running: RunningBot) -> None:
    incident = declare(running)
    _fill(running, incident.id, 120, long_one=119)
    running.slack.clear_calls()
    running.client.command("timeline", channel_id=incident.channel_id)
    first = running.slack.wait_for("chat.postEphemeral")[0]
    assert first.ok, first.error
    _within_limits(first.args)
    text = _shown(first.args)
    assert "121 entries" in text and "page 4 of 4" in text, "opens on the latest entries"
    assert "x" * 500 in text and "x" * 700 not in text, "a 10 kB entry is shortened in Slack"
    assert "&lt;!here&gt;" in text and "<!here>" not in text
    earlier = next(
        e
        for b in first.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if "earlier" in e["action_id"]
    )
    running.client.action(
        earlier["action_id"],
        earlier["value"],
        channel_id=incident.channel_id,
        response_url=running.slack.response_url("page"),
    )
    page = running.slack.wait_for("response_url")[0].args
    assert page["replace_original"] in (True, "true")
    _within_limits(page)
    assert "page 3 of 4" in _shown(page)


def test_the_commander_can_edit_an_entry_and_the_change_is_recorded(running: RunningBot) -> None:
    incident = declare(running, scribe="U003")
    note(running, "Restarted the API", user_id="U002", channel_id=incident.channel_id)
    entry = next(e for e in entries(running, incident.id) if e.source == "note")
    running.slack.clear_calls()
    running.client.command("timeline", user_id="U001", channel_id=incident.channel_id)
    shown = running.slack.wait_for("chat.postEphemeral")[0].args
    menus = [b["accessory"] for b in shown["blocks"] if b.get("accessory")]
    assert menus and {o["value"] for o in menus[-1]["options"]} == {f"edit:{entry.id}", f"delete:{entry.id}"}

    running.client.action(
        "timeline_entry", selected_option=f"edit:{entry.id}", user_id="U001", channel_id=incident.channel_id
    )
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "timeline_edit"
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert fields["entry_text"]["element"]["initial_value"] == "Restarted the API"
    earlier = int(datetime(2026, 1, 1, 11, 55, tzinfo=UTC).timestamp())
    state = {
        "entry_text": {"value": signing.plain("Restarted the API on all nodes")},
        "entry_time": {"value": signing.datetimepicker(earlier)},
        "entry_kind": {"value": signing.static_select("action")},
    }
    answer = running.client.submit(
        "timeline_edit", state, user_id="U001", private_metadata=view["private_metadata"]
    )
    assert answer.status == 200
    told = running.slack.wait_for("chat.postEphemeral", count=2)[-1].args
    assert "Updated the timeline entry" in told["text"]
    edited = next(e for e in entries(running, incident.id) if e.id == entry.id)
    assert (edited.text, edited.kind, edited.edited) == ("Restarted the API on all nodes", "action", True)
    assert edited.occurred_at == datetime(2026, 1, 1, 11, 55, tzinfo=UTC)
    correction = entries(running, incident.id)[-1]
    assert correction.kind == "timeline_corrected"
    assert (correction.actor_id, correction.actor_name) == ("U001", "alice")
    assert "Restarted the API" in correction.text and "time was 12:00 UTC" in correction.text


def test_the_scribe_can_remove_an_entry_and_the_removal_is_recorded(running: RunningBot) -> None:
    incident = declare(running, scribe="U003")
    note(running, "Wrong channel, ignore", user_id="U002", channel_id=incident.channel_id)
    entry = next(e for e in entries(running, incident.id) if e.source == "note")
    running.client.action(
        "timeline_entry",
        selected_option=f"delete:{entry.id}",
        user_id="U003",
        channel_id=incident.channel_id,
        response_url=running.slack.response_url("list"),
    )
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "timeline_delete"
    assert "Wrong channel, ignore" in view["blocks"][0]["text"]["text"]
    running.client.submit("timeline_delete", {}, user_id="U003", private_metadata=view["private_metadata"])
    # The note's own confirmation is an ephemeral too: wait for this one by its words.
    ephemeral_to(running, "U003", "Removed the entry of 12:00 UTC")
    assert entry.id not in [e.id for e in entries(running, incident.id)]
    row = next(r for r in all_rows(running, incident.id) if r.id == entry.id)
    assert row.deleted_at == running.clock.now(), "kept in the database, stamped as removed"
    correction = entries(running, incident.id)[-1]
    assert correction.kind == "timeline_corrected" and correction.actor_id == "U003"
    assert "Removed the entry of 12:00 UTC" in correction.text and "Wrong channel" in correction.text
    redrawn = running.slack.wait_for("response_url")[0].args
    assert "2 entries" in _shown(redrawn), "the page is redrawn: the declaration and the removal record"


def test_someone_outside_the_channel_gets_the_timeline_by_dm(running: RunningBot) -> None:
    incident = declare(running)
    assert "U002" not in running.slack.members(incident.channel_id)
    running.slack.clear_calls()
    running.client.command("timeline", user_id="U002", channel_id=incident.channel_id)
    dm = running.slack.wait_for("chat.postMessage")[0].args
    assert dm["channel"] == "U002"
    assert "Timeline of #1" in _shown(dm) and "Incident declared" in _shown(dm)


def test_others_cannot_edit_or_remove_entries(running: RunningBot) -> None:
    incident = declare(running, comms="U004", scribe="U003")
    note(running, "Keep me", user_id="U004", channel_id=incident.channel_id)
    entry = next(e for e in entries(running, incident.id) if e.source == "note")
    running.slack.clear_calls()
    running.client.command("timeline", user_id="U004", channel_id=incident.channel_id)
    shown = running.slack.wait_for("chat.postEphemeral")[0].args
    assert not [b for b in shown["blocks"] if b.get("accessory")], "no edit menu for others"

    running.client.action(
        "timeline_entry", selected_option=f"delete:{entry.id}", user_id="U004", channel_id=incident.channel_id
    )
    refusal = running.slack.wait_for("chat.postEphemeral", count=2)[-1].args
    assert refusal["user"] == "U004"
    assert "Only the incident commander or the scribe" in refusal["text"]
    assert running.slack.count("views.open") == 0

    # A submission forged past the menu is refused too.
    meta = f'{{"event_id": {entry.id}, "channel": "{incident.channel_id}"}}'
    running.client.submit("timeline_delete", {}, user_id="U004", private_metadata=meta)
    running.slack.wait_for("chat.postEphemeral", count=3)
    state = {
        "entry_text": {"value": signing.plain("Changed")},
        "entry_time": {"value": signing.datetimepicker(int(entry.occurred_at.timestamp()))},
        "entry_kind": {"value": signing.static_select("other")},
    }
    answer = running.client.submit("timeline_edit", state, user_id="U004", private_metadata=meta).json()
    assert "Only the incident commander or the scribe" in answer["errors"]["entry_text"]
    kept = next(e for e in entries(running, incident.id) if e.id == entry.id)
    assert (kept.text, kept.edited) == ("Keep me", False)


def test_an_edit_to_a_future_time_is_refused_inline(running: RunningBot) -> None:
    incident = declare(running)
    first = entries(running, incident.id)[0]
    meta = f'{{"event_id": {first.id}, "channel": "{incident.channel_id}"}}'
    state = {
        "entry_text": {"value": signing.plain("Declared")},
        "entry_time": {
            "value": signing.datetimepicker(int(datetime(2026, 1, 1, 13, 0, tzinfo=UTC).timestamp()))
        },
        "entry_kind": {"value": signing.static_select("other")},
    }
    answer = running.client.submit("timeline_edit", state, user_id="U001", private_metadata=meta).json()
    assert "hasn't come yet" in answer["errors"]["entry_time"]
    assert entries(running, incident.id)[0] == first


def test_timeline_usage_and_outside_an_incident_channel(running: RunningBot) -> None:
    incident = declare(running)
    assert (
        "/incident timeline export"
        in running.client.command("timeline frobnicate", channel_id=incident.channel_id).text
    )
    assert "only inside an incident channel" in running.client.command("timeline", channel_id="C0000").text
