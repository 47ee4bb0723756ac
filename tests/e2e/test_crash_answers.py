"""`kill -9` right after the ack of requests whose Slack effect used to be sent by the listener
after applying: each is now owed through the outbox by the command that applies it, so the
restarted process sends it, once (see `crash_after_ack.py` for how the process is stopped)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentbot.changes.commands import QUESTION_ANSWERED
from incidentbot.status_page.model import component_key
from tests.e2e.crash_after_ack import (
    Scene,
    kill_right_after_ack,
    kill_while_held,
    outbox_rows_held,
    scene_on,
    settled,
)
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import message_ts, rows
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres


PAGE_CONFIG = """
[status_page]
title = "Acme status"

[[status_page.components]]
name = "API"
"""
FIRST = (
    "We're investigating failed checkouts affecting some customers. Our team is working on it; "
    "the next update will be posted by 12:30 UTC."
)
CORRECTED = FIRST.replace("failed checkouts", "failed checkouts and logins")


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    with scene_on(postgres_server, slack, tmp_path) as current:
        yield current


def test_add_to_timeline_acknowledged_then_killed_links_and_marks_its_message_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    ts = message_ts(seconds_ago=120)
    slack.add_message(scene.channel, ts, user="U002", text="Gateway config rolled back")

    def send(client: SlackClientForTests) -> Response:
        meta = {"incident_id": scene.incident_id, "channel": scene.channel, "ts": ts, "author_id": "U002"}
        state = {
            "entry_text": {"value": signing.plain("Gateway configuration rolled back")},
            "entry_time": {"value": signing.datetimepicker(int(time.time()) - 120)},
            "entry_kind": {"value": signing.static_select("mitigation")},
        }
        return client.submit("timeline_add", state, user_id="U003", private_metadata=json.dumps(meta))

    answer = kill_right_after_ack(scene, slack, "timeline_events", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    linked = "SELECT permalink FROM timeline_events WHERE message_ts = :ts AND permalink IS NOT NULL"
    wait_until(lambda: rows(scene.engine, linked, ts=ts) != [], timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    [(permalink,)] = rows(scene.engine, linked, ts=ts)
    assert ts.replace(".", "") in str(permalink)
    marks = [
        c
        for c in slack.ok_calls_to("reactions.add")
        if c.args["channel"] == scene.channel and c.args["timestamp"] == ts
    ]
    assert len(marks) == 1, "the message is marked as on the timeline, once"


def test_a_confirmed_lowering_acknowledged_then_killed_lowers_and_removes_the_question_once(
    scene: Scene, slack: FakeSlack
) -> None:
    question = slack.response_url("lower")

    def send(client: SlackClientForTests) -> Response:
        return client.action(
            "confirm_severity_lowering", "3", user_id="U004", channel_id=scene.channel, response_url=question
        )

    answer = kill_right_after_ack(scene, slack, "timeline_events", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    severity = "SELECT severity FROM incidents WHERE id = :i"
    wait_until(lambda: rows(scene.engine, severity, i=scene.incident_id) == [(3,)], timeout=60)
    wait_until(lambda: slack.count("response_url") >= 1, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert slack.count("response_url") == 1, "the question is removed once"
    assert slack.last("response_url").args["delete_original"] is True


def test_keep_on_the_lowering_question_acknowledged_then_killed_removes_the_question_once(
    scene: Scene, slack: FakeSlack
) -> None:
    question = slack.response_url("keep")

    def send(client: SlackClientForTests) -> Response:
        return client.action(
            "keep_severity", "1", user_id="U004", channel_id=scene.channel, response_url=question
        )

    # Its one effect is the removal it owes, written to the table its journal row is in.
    held = outbox_rows_held(scene.engine, QUESTION_ANSWERED)
    kept = "SELECT kind, state FROM reminders WHERE kind IN ('apply_keep_severity', :answered)"

    def left() -> None:
        assert slack.count("response_url") == 0, "killed before the question was removed"
        assert rows(scene.engine, kept, answered=QUESTION_ANSWERED) == [("apply_keep_severity", "pending")]

    answer = kill_while_held(scene, slack, held, send, left)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    wait_until(lambda: slack.count("response_url") >= 1, timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert slack.count("response_url") == 1, "the question is removed once"
    assert slack.last("response_url").args["delete_original"] is True
    assert sorted(rows(scene.engine, kept, answered=QUESTION_ANSWERED)) == [
        ("apply_keep_severity", "done"),
        (QUESTION_ANSWERED, "done"),
    ]
    severity = "SELECT severity FROM incidents WHERE id = :i"
    assert rows(scene.engine, severity, i=scene.incident_id) == [(1,)], "Keep changes nothing else"


@pytest.fixture
def scene_with_page(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    config = tmp_path / "team.toml"
    config.write_text(PAGE_CONFIG, encoding="utf-8")
    with scene_on(postgres_server, slack, tmp_path, INCIDENTBOT_CONFIG=str(config)) as current:
        yield current


def test_a_status_page_correction_acknowledged_then_killed_is_applied_once_after_restart(
    scene_with_page: Scene, slack: FakeSlack
) -> None:
    scene = scene_with_page
    opened = len(slack.ok_calls_to("views.open"))
    scene.client.command("comms customer", channel_id=scene.channel, user_id="U002")
    form = slack.wait_for("views.open", count=opened + 1, ok_only=True)[opened].args["view"]
    state = {
        "text": {"value": signing.plain(FIRST)},
        "status_page_name": {"value": signing.plain("Checkout unavailable")},
        f"status_page_component:{component_key('API')}": {"value": signing.static_select("major_outage")},
    }
    published = scene.client.submit(
        "comms_text", state, user_id="U002", private_metadata=form["private_metadata"]
    )
    assert published.status == 200 and not published.body, published.body
    update = "SELECT public_id FROM status_page_updates WHERE body = :b"
    [(public_id,)] = wait_until(lambda: rows(scene.engine, update, b=FIRST), timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)

    def send(client: SlackClientForTests) -> Response:
        meta = {"incident_id": scene.incident_id, "channel": scene.channel, "update": public_id}
        state = {"text": {"value": signing.plain(CORRECTED)}}
        return client.submit(
            "status_page_correction", state, user_id="U002", private_metadata=json.dumps(meta)
        )

    answer = kill_right_after_ack(scene, slack, "status_page_corrections", send)
    assert answer is not None and answer.status == 200 and not answer.body, "acknowledged before the kill"

    corrected = "SELECT count(*) FROM status_page_updates WHERE body = :b"
    wait_until(lambda: rows(scene.engine, corrected, b=CORRECTED) == [(1,)], timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert rows(scene.engine, "SELECT previous_body FROM status_page_corrections") == [(FIRST,)]
    noted = (
        "SELECT count(*) FROM timeline_events "
        "WHERE incident_id = :i AND text LIKE 'Status page text corrected:%'"
    )
    assert rows(scene.engine, noted, i=scene.incident_id) == [(1,)]
    page = json.loads(scene.client.get("/status/api/v2/incidents.json").body)
    [shown] = page["incidents"][0]["incident_updates"]
    assert shown["body"] == CORRECTED
