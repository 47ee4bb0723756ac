"""Capturing messages with the timeline reaction, through signed events and the fake Web API."""

from __future__ import annotations

from datetime import UTC, datetime

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import captured, entries, reaction, send, ts_at
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


def test_a_pin_captures_the_message_once_when_delivered_three_times(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    ts = ts_at(11, 58, 30)
    running.slack.add_message(channel, ts, user="U002", text="Deploy 4512 @carol in #general & done")
    running.slack.clear_calls()
    event = reaction(channel, ts, user="U003", item_user="U002")
    send(running, event, event_id="EvPIN1")
    send(running, event, event_id="EvPIN1", retry_num=1)
    send(running, event, event_id="EvPIN1", retry_num=2)
    running.slack.wait_for("reactions.add")
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.occurred_at == datetime(2026, 1, 1, 11, 58, 30, 100, tzinfo=UTC)
    assert entry.actor_id == "U002" and entry.actor_name == "bob"
    assert entry.text == "Deploy 4512 @carol in #general & done"
    assert entry.source == "reaction"
    assert entry.permalink and entry.permalink.endswith(f"/archives/{channel}/p{ts.replace('.', '')}")
    assert entry.recorded_at == running.clock.now()
    assert [e.message_ts for e in entries(running, incident.id)].count(ts) == 1
    assert running.slack.count("conversations.history") == 1
    added = running.slack.last("reactions.add").args
    assert (added["channel"], added["timestamp"], added["name"]) == (channel, ts, "white_check_mark")
    assert running.slack.count("reactions.add") == 1


def test_a_second_person_pinning_the_same_message_adds_nothing(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 50)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Error rate at 40%")
    send(running, reaction(incident.channel_id, ts, user="U002"))
    running.slack.wait_for("reactions.add")
    send(running, reaction(incident.channel_id, ts, user="U003"))
    running.slack.wait_for("reactions.add", count=2)
    assert running.slack.last("reactions.add").error == "already_reacted"
    assert [e.text for e in entries(running, incident.id)].count("Error rate at 40%") == 1
    assert running.slack.count("chat.postEphemeral") == 0, "already_reacted is not an error to report"


def test_reactions_outside_incident_channels_are_ignored_silently(running: RunningBot) -> None:
    declare(running)
    running.slack.add_message("C0000", ts_at(11, 0), user="U002", text="lunch?")
    running.slack.clear_calls()
    send(running, reaction("C0000", ts_at(11, 0)))
    send(running, reaction("C0000", ts_at(11, 0), removed=True))
    # The next capture, in an incident channel, proves the two above were handled (and did nothing).
    incident = running.incident()
    running.slack.add_message(incident.channel_id, ts_at(11, 1), user="U002", text="marker")
    send(running, reaction(incident.channel_id, ts_at(11, 1)))
    running.slack.wait_for("reactions.add")
    touched = {c.args.get("channel") for c in running.slack.calls}
    assert "C0000" not in touched, "no Slack call about the non-incident channel"


def test_other_reactions_and_the_bots_own_are_ignored(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 40)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="thumbs")
    running.slack.clear_calls()
    send(running, reaction(incident.channel_id, ts, name="thumbsup"))
    send(running, reaction(incident.channel_id, ts, user="UBOT"))
    send(running, reaction(incident.channel_id, ts, name="pushpin::skin-tone-2", user="U003"))
    running.slack.wait_for("reactions.add")
    assert running.slack.count("conversations.history") == 1, "only the pushpin (any skin tone) counts"


def test_a_thread_reply_is_fetched_from_its_thread(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    parent, reply = ts_at(11, 30), ts_at(11, 31, 15)
    running.slack.add_message(channel, parent, user="U001", text="Looking at the gateway")
    running.slack.add_message(
        channel, reply, user="U003", text="Gateway config changed at 11:20", thread_ts=parent
    )
    send(running, reaction(channel, reply, item_user="U003"))
    entry = wait_until(lambda: captured(running, incident.id, reply))
    assert entry.text == "Gateway config changed at 11:20"
    assert entry.actor_name == "carol"
    assert entry.occurred_at == datetime(2026, 1, 1, 11, 31, 15, 100, tzinfo=UTC)
    assert entry.permalink and f"thread_ts={parent}" in entry.permalink
    assert running.slack.last("conversations.replies").args["ts"] == reply


def test_a_deleted_message_leaves_no_entry_and_says_so(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.add_message(incident.channel_id, ts_at(11, 0), user="U001", text="older message")
    before = len(entries(running, incident.id))
    send(running, reaction(incident.channel_id, ts_at(11, 5), user="U002"))
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert note["user"] == "U002" and note["channel"] == incident.channel_id
    assert "no longer exists" in note["text"]
    assert len(entries(running, incident.id)) == before
    removed = captured(running, incident.id, ts_at(11, 5))
    assert removed is not None and removed.deleted_at == running.clock.now(), "recorded, then removed"
    assert running.slack.count("reactions.add") == 0


def test_a_message_with_only_files_records_the_file_names(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 10)
    files = [{"id": "F1", "name": "error-rate.png"}, {"id": "F2", "name": "gateway.log"}]
    running.slack.add_message(incident.channel_id, ts, user="U002", files=files)
    send(running, reaction(incident.channel_id, ts))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.text == "(file: error-rate.png, gateway.log)"


def test_an_integration_alert_can_be_captured(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 2)
    attachment = {"fallback": "fb", "title": "5xx rate above 10%", "text": "api-gateway, all regions"}
    running.slack.add_message(incident.channel_id, ts, bot_id="B0ALERT", subtype="bot_message")
    # Webhook messages carry the integration's name and attachments; add_message has no field for them.
    with running.slack._cond:
        stored = running.slack._messages[incident.channel_id][ts]
        stored.update(username="Datadog", attachments=[attachment])
    send(running, reaction(incident.channel_id, ts, item_user=None))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert (entry.actor_id, entry.actor_name) == ("B0ALERT", "Datadog")
    assert entry.text == "5xx rate above 10% api-gateway, all regions"


def test_rate_limited_history_is_retried_and_nothing_is_lost(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 20)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Rolled back")
    running.slack.inject("conversations.history", status=429, retry_after=0, times=2)
    send(running, reaction(incident.channel_id, ts))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.text == "Rolled back"
    assert [c.status for c in running.slack.calls_to("conversations.history")] == [429, 429, 200]


def test_failing_history_records_what_is_known_and_fills_in_later(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    first, second = ts_at(11, 21), ts_at(11, 22)
    running.slack.add_message(channel, first, user="U003", text="Cache flushed @bob")
    running.slack.add_message(channel, second, user="U002", text="Errors dropping")
    running.slack.inject("conversations.history", error="internal_error", status=500, times=None)
    send(running, reaction(channel, first, user="U002", item_user="U003"))
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert note["user"] == "U002" and "wouldn't give me that message" in note["text"]
    pending = captured(running, incident.id, first)
    assert pending is not None
    assert pending.text == "(message text not yet fetched)"
    assert pending.occurred_at == datetime(2026, 1, 1, 11, 21, 0, 100, tzinfo=UTC)
    assert (pending.actor_id, pending.actor_name) == ("U003", "carol")
    assert running.slack.calls_to("reactions.add")[-1].args["timestamp"] == first

    running.slack.clear_faults()
    send(running, reaction(channel, second))
    wait_until(lambda: captured(running, incident.id, second))
    filled = captured(running, incident.id, first)
    assert filled is not None and filled.text == "Cache flushed @bob"
    assert filled.permalink is not None


def test_removing_the_last_pin_removes_the_entry_and_a_new_pin_brings_it_back(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    ts = ts_at(11, 45)
    running.slack.add_message(channel, ts, user="U002", text="Failover started")
    running.slack.add_reaction(channel, ts, "pushpin", "U002")
    running.slack.add_reaction(channel, ts, "pushpin", "U003")
    send(running, reaction(channel, ts, user="U002"))
    wait_until(lambda: captured(running, incident.id, ts))

    # One of two pins removed: the entry stays.
    with running.slack._cond:
        running.slack._reactions[(channel, ts)]["pushpin"].remove("U003")
    send(running, reaction(channel, ts, user="U003", removed=True))
    running.slack.wait_for("reactions.get")
    assert (entry := captured(running, incident.id, ts)) is not None and entry.deleted_at is None

    # The last one removed: the entry is removed (kept in the database, stamped), the check mark too.
    with running.slack._cond:
        running.slack._reactions[(channel, ts)]["pushpin"].clear()
    send(running, reaction(channel, ts, user="U002", removed=True))
    removed = wait_until(lambda: (e := captured(running, incident.id, ts)) and e.deleted_at and e)
    assert removed.deleted_at == running.clock.now()
    assert ts not in [e.message_ts for e in entries(running, incident.id)]
    # The check mark comes off after the removal is recorded: wait for it.
    assert running.slack.wait_for("reactions.remove")[-1].args["name"] == "white_check_mark"

    send(running, reaction(channel, ts, user="U004"))
    back = wait_until(lambda: (e := captured(running, incident.id, ts)) and not e.deleted_at and e)
    assert back.text == "Failover started"
    assert [e.message_ts for e in entries(running, incident.id)].count(ts) == 1


def test_an_edited_message_keeps_the_captured_text_and_is_marked_edited(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    ts = ts_at(11, 47)
    running.slack.add_message(channel, ts, user="U002", text="DB at 90% CPU")
    send(running, reaction(channel, ts))
    wait_until(lambda: captured(running, incident.id, ts))

    def changed(before: str, after: str) -> dict[str, object]:
        return {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "hidden": True,
            "ts": ts_at(11, 59),
            "message": {"type": "message", "user": "U002", "text": after, "ts": ts},
            "previous_message": {"type": "message", "user": "U002", "text": before, "ts": ts},
        }

    send(running, changed("DB at 90% CPU", "DB at 90% CPU"))  # an unfurl: same words
    send(running, {"type": "message", "channel": channel, "user": "U001", "text": "hi", "ts": ts_at(11, 59)})
    entry = captured(running, incident.id, ts)
    assert entry is not None and not entry.edited
    send(running, changed("DB at 90% CPU", "DB at 95% CPU"))
    edited = wait_until(lambda: (e := captured(running, incident.id, ts)) and e.edited and e)
    assert edited.text == "DB at 90% CPU", "the entry keeps what was captured"


def test_the_timeline_reaction_is_configurable(
    slack: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    with running_bot(slack, database_url, clock, TeamConfig(timeline_reaction="round_pushpin")) as running:
        incident = declare(running)
        first, second = ts_at(11, 0), ts_at(11, 1)
        running.slack.add_message(incident.channel_id, first, user="U002", text="not this one")
        running.slack.add_message(incident.channel_id, second, user="U002", text="this one")
        send(running, reaction(incident.channel_id, first, name="pushpin"))
        send(running, reaction(incident.channel_id, second, name="round_pushpin"))
        wait_until(lambda: captured(running, incident.id, second))
        assert captured(running, incident.id, first) is None
        alert = running.slack.ok_calls_to("chat.postMessage")[0].args["text"]
        assert ":round_pushpin:" in alert, "the alert tells people which reaction to use"
