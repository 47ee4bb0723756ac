"""Action items through Slack: the command and the form, the list with done/reopen, overdue DMs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.helpers import declare, wait_until
from tests.e2e.wrapup_helpers import last_modal, posted, told
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

DUE_DAY_ENDS = datetime(2026, 1, 6, tzinfo=UTC)


def items(running: RunningBot, incident_id: int) -> list[Any]:
    with running.services.store.transaction() as tx:
        return tx.action_items(incident_id)


def reminders(running: RunningBot, item_id: int) -> list[tuple[datetime, str]]:
    with running.services.store.transaction() as tx:
        return [(r.due_at, r.state) for r in tx.action_reminders(item_id)]


def overdue_fired(bot: RunningBot, item_id: int) -> int:
    """Run the reminders engine once; how many of this item's overdue reminders it completed.

    The engine fires every due kind (the incident's own update nags too), so count this item's."""
    before = sum(state == "done" for _, state in reminders(bot, item_id))
    bot.fire_due()
    return sum(state == "done" for _, state in reminders(bot, item_id)) - before


def dms_to(slack: FakeSlack, user: str) -> list[str]:
    return [
        c.args["text"]
        for c in slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == user and "was due" in c.args["text"]
    ]


def test_the_command_takes_owner_due_and_priority(running: RunningBot) -> None:
    incident = declare(running)
    answer = running.client.command(
        "action Add a lock timeout to migrations @bob in 4d P1", channel_id=incident.channel_id
    )
    assert answer.status == 200 and not answer.body
    [item] = wait_until(lambda: items(running, incident.id))
    assert (item.text, item.owner_id, str(item.due_on), item.priority) == (
        "Add a lock timeout to migrations",
        "U002",
        "2026-01-05",
        "P1",
    )
    notice = posted(running, incident.channel_id, "Action item added").args["text"]
    assert "Owner <@U002> · due 2026-01-05 · P1" in notice and "Not SMART yet: no success metric" in notice
    assert reminders(running, item.id) == [(DUE_DAY_ENDS, "pending")]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("action Fix it @erin", "erin has left the workspace"),
        ("action Fix it due:2025-12-24", "2025-12-24 is in the past"),
        ("action Fix it due:soonish", "I can't read the due date `soonish`"),
        ("action Fix it @bob @carol", "Give one owner"),
        ("action @bob P1", "Say what should be done"),
        ("action Fix it P7", "P7 isn't a priority"),
    ],
)
def test_bad_action_items_get_a_clear_answer_and_nothing_is_kept(
    running: RunningBot, text: str, words: str
) -> None:
    running.slack.add_user("U005", "erin", deleted=True)
    incident = declare(running)
    answer = running.client.command(text, channel_id=incident.channel_id).body.decode()
    assert words in answer
    assert items(running, incident.id) == []


def action_state(text: str, owner: str | None, due: str | None, metric: str = "") -> dict[str, Any]:
    return {
        "text": {"value": signing.plain(text)},
        "owner": {"value": signing.users_select(owner)},
        "due": {"value": signing.datepicker(due)},
        "priority": {"value": signing.static_select("P3")},
        "success_metric": {"value": signing.plain(metric)},
    }


def test_the_form_adds_a_smart_item_and_explains_bad_fields(running: RunningBot) -> None:
    running.slack.add_user("U005", "erin", deleted=True)
    incident = declare(running)
    running.client.command("action", channel_id=incident.channel_id)
    view = last_modal(running)
    assert view["callback_id"] == "action_item"
    meta = view["private_metadata"]
    bad = running.client.submit(
        "action_item", action_state("", "U005", "2025-12-01", "m" * 301), private_metadata=meta
    ).json()
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"text", "owner", "due", "success_metric"}
    assert "left the workspace" in bad["errors"]["owner"]
    odd = running.client.submit(
        "action_item", action_state("Fix", "U002", "2026-02-31"), private_metadata=meta
    )
    assert "calendar" in odd.json()["errors"]["due"]

    good = action_state("Page on checkout errors", "U002", "2026-01-09", "Page within 2 minutes")
    assert not running.client.submit("action_item", good, private_metadata=meta).body
    [item] = wait_until(lambda: items(running, incident.id))
    assert item.smart_gaps == [] and item.priority == "P3"
    notice = posted(running, incident.channel_id, "Action item added").args["text"]
    assert "Not SMART" not in notice


def test_the_list_has_done_and_reopen_buttons(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("action Add a lock timeout @bob due:2026-01-02", channel_id=incident.channel_id)
    running.client.command("action Review alerts", channel_id=incident.channel_id)
    first, second = wait_until(lambda: len(found := items(running, incident.id)) == 2 and found)
    running.client.command("actions", channel_id=incident.channel_id)
    listing = running.slack.wait_for("chat.postEphemeral")[-1].args
    assert "(2 open of 2)" in listing["text"]
    buttons = [b["accessory"] for b in listing["blocks"] if b.get("accessory")]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("action_item_done", str(first.id)),
        ("action_item_done", str(second.id)),
    ]
    assert "not SMART: no owner, no due date, no success metric" in json.dumps(listing["blocks"])

    running.client.action("action_item_done", str(first.id), channel_id=incident.channel_id)
    told(running, "U001", "is done")
    assert wait_until(lambda: not items(running, incident.id)[0].is_open)
    running.client.action("action_item_reopen", str(first.id), channel_id=incident.channel_id)
    told(running, "U001", "is open again")
    assert wait_until(lambda: items(running, incident.id)[0].is_open)
    running.client.action("action_item_done", "99999", channel_id=incident.channel_id)
    told(running, "U001", "can't find that action item")


def test_an_empty_list_offers_the_form(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("actions", channel_id=incident.channel_id)
    listing = running.slack.wait_for("chat.postEphemeral")[-1].args
    assert "no action items yet" in listing["text"]
    assert listing["blocks"][-1]["elements"][0]["action_id"] == "open_action_item"


def test_overdue_items_dm_the_owner_once_a_day_across_restarts(
    running: RunningBot, slack: FakeSlack, database_url: str
) -> None:
    incident = declare(running)
    running.client.command("action Add a lock timeout @bob due:2026-01-05", channel_id=incident.channel_id)
    [item] = wait_until(lambda: items(running, incident.id))
    assert overdue_fired(running, item.id) == 0

    running.clock.set(DUE_DAY_ENDS + timedelta(minutes=5))
    assert overdue_fired(running, item.id) == 1
    [dm] = dms_to(slack, "U002")
    assert "was due 2026-01-05 and is still open" in dm and "Add a lock timeout" in dm
    dm_call = next(
        c
        for c in slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == "U002" and "was due" in c.args["text"]
    )
    assert dm_call.args["blocks"][-1]["elements"][0]["action_id"] == "action_item_done"

    with running_bot(slack, database_url, running.clock) as restarted:
        assert overdue_fired(restarted, item.id) == 0
        running.clock.advance(timedelta(hours=12))
        assert overdue_fired(restarted, item.id) == 0
    assert len(dms_to(slack, "U002")) == 1, "exactly one DM for the first overdue day"

    running.clock.advance(timedelta(hours=12))
    assert overdue_fired(running, item.id) == 1
    assert len(dms_to(slack, "U002")) == 2

    running.client.action("action_item_done", str(item.id), user_id="U002", channel_id="DU002")
    wait_until(lambda: not items(running, incident.id)[0].is_open)
    running.clock.advance(timedelta(days=1))
    assert overdue_fired(running, item.id) == 1
    assert len(dms_to(slack, "U002")) == 2, "done items stay quiet"
    assert [state for _, state in reminders(running, item.id)] == ["done", "done", "done"]
