"""`kill -9` right after the ack of requests whose Slack effect used to be sent by the listener
after applying: each is now owed through the outbox by the command that applies it, so the
restarted process sends it, once (see `crash_after_ack.py` for how the process is stopped)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.e2e.crash_after_ack import Scene, kill_right_after_ack, settled, start_scene
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import message_ts, rows
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    url = postgres_server.create_database()
    engine = create_engine(url)
    current = start_scene(engine, url, slack, tmp_path)
    yield current
    current.bot.stop()
    engine.dispose()


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
