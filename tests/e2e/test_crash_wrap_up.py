"""`kill -9` right after the ack of each wrap-up request: applied once after a restart, its
messages sent once (see `crash_after_ack.py` for how the process is stopped there)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.crash_after_ack import Scene, ephemerals, kill_right_after_ack, posts, settled, start_scene
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.e2e.wrapup_helpers import resolve_state
from tests.support import signing
from tests.support.crash import NORMAL_TICKS, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    with bot_on_own_database(postgres_server, slack, tmp_path, NORMAL_TICKS) as bot:
        yield start_scene(bot, tmp_path)


GOOD_CUSTOMER_TEXT = (
    "We're investigating reports of failed checkouts affecting some customers in Europe. Our team "
    "is working on it; the next update will be posted by 14:30 UTC."
)


def _metadata(scene: Scene, **more: str) -> str:
    return json.dumps({"incident_id": scene.incident_id, "channel": scene.channel, **more})


def _count(scene: Scene, sql: str) -> int:
    return int(rows(scene.engine, sql, i=scene.incident_id)[0][0])


def test_a_resolve_form_acknowledged_then_killed_is_resolved_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> Response:
        state = resolve_state(fix="Rolled back the gateway configuration")
        return client.submit("resolve_incident", state, user_id="U001", private_metadata=_metadata(scene))

    answer = kill_right_after_ack(scene, slack, "resolutions", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    wait_until(
        lambda: _count(scene, "SELECT count(*) FROM resolutions WHERE incident_id = :i") == 1, timeout=30
    )
    wait_until(lambda: settled(scene.engine), timeout=30)
    status = rows(scene.engine, "SELECT status FROM incidents WHERE id = :i", i=scene.incident_id)
    assert status == [("resolved",)]
    closed = (
        "SELECT count(*) FROM timeline_events "
        "WHERE incident_id = :i AND kind IN ('status_changed', 'resolved')"
    )
    assert _count(scene, closed) == 2, "one status change, one resolution on the timeline"
    assert posts(slack, scene.channel, "resolved at") == 1
    assert posts(slack, scene.channel, "Status changed from investigating to resolved") == 1
    assert ephemerals(slack, "U001", "Shall I start the blameless postmortem") == 1


def test_a_customer_text_acknowledged_then_killed_is_kept_and_posted_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> Response:
        state = {"text": {"value": signing.plain(GOOD_CUSTOMER_TEXT)}}
        metadata = _metadata(scene, audience="customer", stage="investigating")
        return client.submit("comms_text", state, user_id="U002", private_metadata=metadata)

    answer = kill_right_after_ack(scene, slack, "comms_texts", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    posted = "SELECT count(*) FROM comms_texts WHERE incident_id = :i AND message_ts IS NOT NULL"
    wait_until(lambda: _count(scene, posted) == 1, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _count(scene, "SELECT count(*) FROM comms_texts WHERE incident_id = :i") == 1
    noted = "SELECT count(*) FROM timeline_events WHERE incident_id = :i AND kind = 'communication'"
    assert _count(scene, noted) == 1
    assert posts(slack, scene.channel, "Customer update (investigating)") == 1


def _announced(slack: FakeSlack, scene: Scene, what: str) -> int:
    return posts(slack, scene.channel, f": *{what}*")


def test_an_action_item_command_acknowledged_then_killed_is_added_and_announced_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> Response:
        return client.command("action Add a lock timeout to migrations P1", channel_id=scene.channel)

    answer = kill_right_after_ack(scene, slack, "action_items", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    added = "SELECT count(*) FROM action_items WHERE incident_id = :i"
    wait_until(lambda: _count(scene, added) == 1, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _count(scene, added) == 1
    assert _announced(slack, scene, "Add a lock timeout to migrations") == 1


def test_an_action_item_form_acknowledged_then_killed_is_added_and_announced_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> Response:
        state = {
            "text": {"value": signing.plain("Page on checkout errors")},
            "owner": {"value": signing.users_select("U002")},
            "due": {"value": signing.datepicker(None)},
            "priority": {"value": signing.static_select("P3")},
            "success_metric": {"value": signing.plain("Page within 2 minutes")},
        }
        return client.submit("action_item", state, user_id="U001", private_metadata=_metadata(scene))

    answer = kill_right_after_ack(scene, slack, "action_items", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    added = "SELECT count(*) FROM action_items WHERE incident_id = :i AND owner_id = 'U002'"
    wait_until(lambda: _count(scene, added) == 1, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _count(scene, "SELECT count(*) FROM action_items WHERE incident_id = :i") == 1
    assert _announced(slack, scene, "Page on checkout errors") == 1


def test_marking_an_action_item_done_acknowledged_then_killed_is_applied_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    assert scene.client.command("action Review the alert thresholds", channel_id=scene.channel).status == 200
    [(item_id,)] = wait_until(
        lambda: rows(scene.engine, "SELECT id FROM action_items WHERE incident_id = :i", i=scene.incident_id)
    )

    def send(client: SlackClientForTests) -> Response:
        return client.action("action_item_done", str(item_id), channel_id=scene.channel, user_id="U001")

    answer = kill_right_after_ack(scene, slack, "action_items", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    done = (
        "SELECT count(*) FROM action_items WHERE incident_id = :i AND state = 'done' AND done_at IS NOT NULL"
    )
    wait_until(lambda: _count(scene, done) == 1, timeout=30)
    applied = "SELECT state FROM reminders WHERE kind = 'apply_action_state'"
    wait_until(lambda: rows(scene.engine, applied) == [("done",)], timeout=30)


def test_a_five_whys_form_acknowledged_then_killed_is_saved_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> Response:
        whys = {
            "problem": {"value": signing.plain("Customers could not check out for 60 minutes")},
            "why_1": {"value": signing.plain("The orders table was locked")},
            "why_2": {"value": signing.plain("A migration took a table lock during peak hours")},
            "root_cause": {"value": signing.plain("Migrations run without a lock timeout")},
        }
        return client.submit("five_whys", whys, user_id="U001", private_metadata=_metadata(scene))

    answer = kill_right_after_ack(scene, slack, "analysis_entries", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    saved = "SELECT count(*) FROM analysis_entries WHERE incident_id = :i AND kind = 'five_whys'"
    wait_until(lambda: _count(scene, saved) == 1, timeout=30)
    applied = "SELECT state FROM reminders WHERE kind = 'apply_analysis'"
    wait_until(lambda: rows(scene.engine, applied) == [("done",)], timeout=30)
    assert _count(scene, saved) == 1
