"""`kill -9` right after the ack of each wrap-up request: applied once after a restart, its
messages sent once (see `crash_after_ack.py` for how the process is stopped there)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from tests.e2e.crash_after_ack import Scene, ephemerals, kill_right_after_ack, posts, settled, start_scene
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.e2e.wrapup_helpers import resolve_state
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    url = postgres_server.create_database()
    engine = create_engine(url)
    current = start_scene(engine, url, slack, tmp_path)
    yield current
    current.bot.stop()
    engine.dispose()


def _metadata(scene: Scene) -> str:
    return json.dumps({"incident_id": scene.incident_id, "channel": scene.channel})


def _count(scene: Scene, sql: str) -> int:
    return int(rows(scene.engine, sql, i=scene.incident_id)[0][0])


def test_a_resolve_form_acknowledged_then_killed_is_resolved_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    def send(client: SlackClientForTests) -> object:
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
