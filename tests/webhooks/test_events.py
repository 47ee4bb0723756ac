"""Each kind of change reaches the receivers as its own event type, once, with what it changed."""

from __future__ import annotations

from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_for_post
from tests.webhooks.conftest import Hooks
from tests.webhooks.helpers import deliver_all, first_receipts, pending


def _received(hooks: Hooks) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for kind, event_id in first_receipts(hooks.public.accepted):
        payload = next(got.payload for got in hooks.public.accepted if got.payload["id"] == event_id)
        found.setdefault(kind, []).append(payload["data"])
    return found


def test_severity_status_role_note_and_action_item_each_send_their_event(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running, severity="2")
    channel = incident.channel_id
    for command in ("severity 1", "status identified", "role comms @bob", "note Rolled back 4.2.1"):
        assert running.client.command(command, channel_id=channel).status == 200
    running.client.command("action Add a lock timeout @bob due:2026-01-02", channel_id=channel)
    wait_until(lambda: pending(running) >= 12)  # six events, two endpoints

    deliver_all(running)

    received = _received(hooks)
    # Each command is applied just after its own ack, so they may land in any order.
    assert sorted(received["incident.updated"], key=lambda data: str(data["changed"])) == [
        {"changed": "role", "old": None, "new": "U002", "role": "comms", "by": "U001"},
        {"changed": "severity", "old": "SEV-2", "new": "SEV-1", "role": None, "by": "U001"},
        {"changed": "status", "old": "investigating", "new": "identified", "role": None, "by": "U001"},
    ]
    [note] = received["timeline.entry_added"]
    assert note["text"] == "Rolled back 4.2.1"
    [item] = received["action_item.created"]
    assert item["text"] == "Add a lock timeout" and item["owner"] == "U002"


def test_an_update_that_changes_severity_and_status_sends_both_changes_then_the_update(hooks: Hooks) -> None:
    running = hooks.running
    incident = declare(running, severity="2")
    answer = submit_update(running, incident, user="U001", severity="1", status="identified")
    assert answer.status == 200, answer.body
    wait_for_post(running, incident.channel_id, "Errors started")

    deliver_all(running)

    kinds = [kind for kind, _ in first_receipts(hooks.public.accepted)]
    assert kinds == ["incident.declared", "incident.updated", "incident.updated", "update.posted"]
    assert [(data["changed"], data["old"], data["new"]) for data in _received(hooks)["incident.updated"]] == [
        ("severity", "SEV-2", "SEV-1"),
        ("status", "investigating", "identified"),
    ]
