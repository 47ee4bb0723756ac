"""Every way onto the timeline sends `timeline.entry_added`, once per entry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import captured, reaction, send, ts_at
from tests.support import signing
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all, first_receipts


def _entries_added(hooks: Hooks) -> list[dict[str, Any]]:
    kept = dict((event_id, kind) for kind, event_id in first_receipts(hooks.public.accepted))
    seen: dict[str, dict[str, Any]] = {}
    for got in hooks.public.accepted:
        if kept.get(got.payload["id"]) == "timeline.entry_added":
            seen.setdefault(got.payload["id"], got.payload["data"])
    return list(seen.values())


def _submit_entry(hooks: Hooks, channel: str, ts: str, text: str, key: str) -> None:
    running = hooks.running
    stored = running.slack.message(channel, ts)
    running.slack.clear_calls()
    answer = running.client.shortcut("add_to_timeline", user_id="U001", channel_id=channel, message=stored)
    assert answer.status == 200
    view = running.slack.wait_for("views.open")[0].args["view"]
    epoch = int(datetime(2026, 1, 1, 11, 40, tzinfo=UTC).timestamp())
    state = {
        "entry_text": {"value": signing.plain(text)},
        "entry_time": {"value": signing.datetimepicker(epoch)},
        "entry_kind": {"value": signing.static_select("mitigation")},
    }
    for _ in range(2):  # Slack sends the same submission again when the answer was slow.
        sent = running.client.submit(
            "timeline_add", state, user_id="U001", private_metadata=view["private_metadata"], view_id=key
        )
        assert sent.status == 200
    wait_until(lambda: running.slack.count("chat.postEphemeral") >= 1)


def test_a_pinned_message_sends_its_entry_once_with_its_text(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running)
    ts = ts_at(11, 58, 30)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="Deploy 4512 rolled back")
    event = reaction(incident.channel_id, ts, user="U003", item_user="U002")
    send(running, event, event_id="EvPINHOOK")
    send(running, event, event_id="EvPINHOOK", retry_num=1)
    wait_until(lambda: captured(running, incident.id, ts))

    deliver_all(running)

    assert [(data["kind"], data["text"]) for data in _entries_added(hooks)] == [
        ("other", "Deploy 4512 rolled back")
    ]


def test_the_add_to_timeline_form_sends_its_entry_once(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running)
    ts = ts_at(11, 40)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="rolling back now")
    _submit_entry(hooks, incident.channel_id, ts, "Rollback of 4512 started", key="V0HOOK1")
    wait_until(lambda: captured(running, incident.id, ts))

    deliver_all(running)

    assert [(data["kind"], data["text"]) for data in _entries_added(hooks)] == [
        ("mitigation", "Rollback of 4512 started")
    ]


def test_a_pinned_message_reworded_with_the_form_is_still_one_entry(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running)
    ts = ts_at(11, 40)
    running.slack.add_message(incident.channel_id, ts, user="U002", text="rolling back now")
    send(running, reaction(incident.channel_id, ts, user="U003", item_user="U002"))
    wait_until(lambda: captured(running, incident.id, ts))
    _submit_entry(hooks, incident.channel_id, ts, "Rollback of 4512 started", key="V0HOOK2")

    deliver_all(running)

    assert [data["text"] for data in _entries_added(hooks)] == ["rolling back now"]
