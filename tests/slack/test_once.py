"""What names a Slack delivery, so that a repeat of it is recognised."""

from __future__ import annotations

from typing import Any

import pytest

from incidentbot.slack.once import KEY_LENGTH, delivery_key


def click(action_id: str, action_ts: str = "1700000000.000001", user: str = "U001") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user},
        "actions": [{"action_id": action_id, "action_ts": action_ts}],
    }


def test_a_submission_is_named_by_its_view_id_and_hash() -> None:
    body = {"type": "view_submission", "view": {"id": "V1", "hash": "1.a", "state": {"values": {}}}}
    assert delivery_key(body) == "view:V1:1.a"
    changed = {"type": "view_submission", "view": {"id": "V1", "hash": "2.b"}}
    assert delivery_key(changed) != delivery_key(body), "an updated view is a new form"


def test_a_click_is_named_by_who_clicked_what_and_when() -> None:
    assert delivery_key(click("snooze_update:15")) == "action:U001:1700000000.000001:snooze_update:15"
    assert delivery_key(click("snooze_update:15", user="U002")) != delivery_key(click("snooze_update:15"))
    assert delivery_key(click("snooze_update:15", "1700000000.000002")) != delivery_key(
        click("snooze_update:15")
    )


def test_a_long_action_id_still_fits_the_column_and_stays_distinct() -> None:
    long_one, other = click("a" * 255), click("a" * 254 + "b")
    assert len(delivery_key(long_one) or "") == KEY_LENGTH
    assert delivery_key(long_one) != delivery_key(other)


def test_an_event_keeps_its_own_id() -> None:
    assert delivery_key({"type": "event_callback", "event_id": "Ev1", "event": {}}) == "Ev1"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "view_submission", "view": None},
        {"type": "view_submission", "view": {"hash": "1.a"}},
        {"type": "block_actions", "actions": [], "user": {"id": "U1"}},
        {"type": "block_actions", "actions": ["x"], "user": {"id": "U1"}},
        {"type": "block_actions", "actions": [{"action_id": "a"}], "user": {"id": "U1"}},
        {"type": "event_callback", "event_id": ["Ev1"]},
        {"type": "block_suggestion", "action_id": "a"},
    ],
)
def test_a_delivery_without_its_identity_is_not_named(body: dict[str, Any]) -> None:
    assert delivery_key(body) is None
