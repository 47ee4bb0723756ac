"""The "Add to timeline" message shortcut and its modal, through signed requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import captured, entries, reaction, send, ts_at
from tests.support import signing
from tests.support.harness import RunningBot


def _message(ts: str, text: str, user: str = "U002") -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts}


def _stored(running: RunningBot, channel: str, ts: str) -> dict[str, Any]:
    """The message as Slack puts it in the shortcut's payload: as it stores it, text escaped."""
    stored = running.slack.message(channel, ts)
    assert stored is not None
    return stored


def _open(running: RunningBot, channel: str, message: dict[str, Any], user: str = "U003") -> dict[str, Any]:
    running.slack.clear_calls()
    response = running.client.shortcut("add_to_timeline", user_id=user, channel_id=channel, message=message)
    assert response.status == 200
    return dict(running.slack.wait_for("views.open")[0].args["view"])


def _state(text: str | None, epoch: int | None, kind: str | None) -> dict[str, Any]:
    return {
        "entry_text": {"value": signing.plain(text)},
        "entry_time": {"value": signing.datetimepicker(epoch)},
        "entry_kind": {"value": signing.static_select(kind)},
    }


def _submit(running: RunningBot, view: dict[str, Any], state: dict[str, Any], user: str = "U003") -> Any:
    return running.client.submit(
        "timeline_add", state, user_id=user, private_metadata=view["private_metadata"]
    )


def test_the_shortcut_opens_a_prefilled_modal_and_saves_the_reworded_entry(running: RunningBot) -> None:
    incident = declare(running, scribe="U003")
    channel = incident.channel_id
    ts = ts_at(11, 52, 10)
    running.slack.add_message(channel, ts, user="U002", text="ok @alice rolling back now")
    view = _open(running, channel, _stored(running, channel, ts))
    assert view["callback_id"] == "timeline_add"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["entry_text"]["element"]["initial_value"] == "ok @alice rolling back now"
    epoch = int(datetime(2026, 1, 1, 11, 52, 10, tzinfo=UTC).timestamp())
    assert blocks["entry_time"]["element"]["initial_date_time"] == epoch
    assert blocks["entry_kind"]["element"]["initial_option"]["value"] == "other"
    assert "bob" in view["blocks"][0]["elements"][0]["text"], "the modal says whose message it is"

    response = _submit(running, view, _state("Rollback of deploy 4512 started", epoch, "mitigation"))
    assert response.status == 200 and response.body in (b"", b"{}")
    confirmation = running.slack.wait_for("chat.postEphemeral")[0].args
    assert confirmation["user"] == "U003"
    assert "Added to the timeline of #1" in confirmation["text"] and "Mitigation" in confirmation["text"]
    entry = captured(running, incident.id, ts)
    assert entry is not None
    assert (entry.text, entry.kind, entry.source) == (
        "Rollback of deploy 4512 started",
        "mitigation",
        "shortcut",
    )
    assert entry.occurred_at == datetime(2026, 1, 1, 11, 52, 10, 100, tzinfo=UTC), "the message's exact time"
    assert (entry.actor_id, entry.actor_name) == ("U002", "bob")
    assert entry.permalink and entry.permalink.endswith(ts.replace(".", ""))
    assert running.slack.last("reactions.add").args["timestamp"] == ts


def test_a_changed_time_is_taken_as_given(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 52)
    view = _open(running, incident.channel_id, _message(ts, "DNS switched"))
    earlier = int(datetime(2026, 1, 1, 11, 40, tzinfo=UTC).timestamp())
    _submit(running, view, _state("DNS switched to the standby", earlier, "action"))
    entry = wait_until(lambda: captured(running, incident.id, ts))
    assert entry.occurred_at == datetime(2026, 1, 1, 11, 40, tzinfo=UTC)


def test_the_shortcut_outside_an_incident_channel_answers_clearly(running: RunningBot) -> None:
    declare(running)
    running.slack.clear_calls()
    running.client.shortcut(
        "add_to_timeline", user_id="U002", channel_id="C0000", message=_message(ts_at(11, 0), "hi")
    )
    answer = running.slack.wait_for("chat.postEphemeral")[0].args
    assert answer["user"] == "U002" and answer["channel"] == "C0000"
    assert "works on messages in an incident channel" in answer["text"]
    assert running.slack.count("views.open") == 0


def test_bad_modal_input_is_answered_inline_and_nothing_saved(running: RunningBot) -> None:
    incident = declare(running)
    ts = ts_at(11, 52)
    view = _open(running, incident.channel_id, _message(ts, "something"))
    future = int(datetime(2026, 1, 1, 12, 30, tzinfo=UTC).timestamp())
    answer = _submit(running, view, _state("   ", future, None)).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"entry_text", "entry_time", "entry_kind"}
    assert "hasn't come yet" in answer["errors"]["entry_time"]
    missing = _submit(running, view, _state("Text", None, "other")).json()
    assert set(missing["errors"]) == {"entry_time"}
    assert captured(running, incident.id, ts) is None


def test_the_shortcut_on_a_pinned_message_rewords_its_single_entry(running: RunningBot) -> None:
    incident = declare(running)
    channel = incident.channel_id
    ts = ts_at(11, 53)
    running.slack.add_message(channel, ts, user="U002", text="db is toast lol")
    send(running, reaction(channel, ts))
    wait_until(lambda: captured(running, incident.id, ts))
    view = _open(running, channel, _message(ts, "db is toast lol"))
    epoch = json.loads(view["private_metadata"])["ts"].split(".")[0]
    _submit(running, view, _state("Primary database stopped answering", int(epoch), "detection"))
    reworded = wait_until(lambda: (e := captured(running, incident.id, ts)) and e.source == "shortcut" and e)
    assert reworded.text == "Primary database stopped answering"
    assert reworded.edited, "changed after it was first recorded"
    assert [e.message_ts for e in entries(running, incident.id)].count(ts) == 1


def test_the_shortcut_shows_what_was_typed_not_slacks_escaping(running: RunningBot) -> None:
    incident = declare(running, scribe="U003")
    channel = incident.channel_id
    ts = ts_at(11, 53)
    running.slack.add_message(channel, ts, user="U002", text="api & worker <restarted>")
    stored = _stored(running, channel, ts)
    assert stored["text"] == "api &amp; worker &lt;restarted&gt;", "Slack keeps message text escaped"
    view = _open(running, channel, stored)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["entry_text"]["element"]["initial_value"] == "api & worker <restarted>"


def test_the_entry_form_sent_again_unchanged_is_not_an_edit(running: RunningBot) -> None:
    incident = declare(running, scribe="U003")
    channel = incident.channel_id
    ts = ts_at(11, 54)
    running.slack.add_message(channel, ts, user="U002", text="failover done")
    epoch = int(datetime(2026, 1, 1, 11, 54, tzinfo=UTC).timestamp())
    for _ in range(2):  # The shortcut used twice on one message, the same words saved each time.
        view = _open(running, channel, _message(ts, "failover done"))
        state = _state("Failover to the standby done", epoch, "mitigation")
        assert _submit(running, view, state).status == 200
        wait_until(lambda: captured(running, incident.id, ts))
    entry = captured(running, incident.id, ts)
    assert entry is not None and not entry.edited, "saving the same words again changes nothing"
    assert [e.message_ts for e in entries(running, incident.id)].count(ts) == 1
