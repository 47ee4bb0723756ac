"""`kill -9` right after the ack of `/incident drill end`, then a restart: the drill ends and its
incident closes once (see `tests/e2e/crash_after_ack.py` for how the process is stopped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drills.helpers import SCENARIO, form_state
from tests.e2e.crash_after_ack import Scene, kill_right_after_ack, scene_on, settled
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    with scene_on(postgres_server, slack, tmp_path) as current:
        yield current


def _started_drill(scene: Scene, slack: FakeSlack) -> tuple[int, str]:
    opened = len(slack.ok_calls_to("views.open"))
    answer = scene.client.command(f"drill {SCENARIO}", channel_id="C0GENERAL", user_id="U001")
    assert answer.status == 200, answer.body
    form = slack.wait_for("views.open", count=opened + 1, ok_only=True)[opened].args["view"]
    # At its own pace (24 minutes), so it cannot run out before the test ends it.
    state = form_state(scale="1")
    started = scene.client.submit(
        "drill_start", state, user_id="U001", private_metadata=form["private_metadata"]
    )
    assert started.status == 200 and not started.body, started.body
    running = (
        "SELECT i.id, i.channel_id FROM incidents i JOIN drill_runs r ON r.incident_id = i.id "
        "WHERE i.drill AND i.setup_state = 'ready' AND r.ends_at IS NOT NULL"
    )
    [(incident_id, channel)] = wait_until(lambda: rows(scene.engine, running), timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    return int(incident_id), str(channel)


def test_a_drill_ended_acknowledged_then_killed_ends_and_closes_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    incident_id, channel = _started_drill(scene, slack)

    def send(client: SlackClientForTests) -> Response:
        return client.command("drill end", channel_id=channel, user_id="U001")

    answer = kill_right_after_ack(scene, slack, "drill_runs", send)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    ended = "SELECT count(*) FROM drill_runs WHERE incident_id = :i AND ended_at IS NOT NULL"
    wait_until(lambda: rows(scene.engine, ended, i=incident_id) == [(1,)], timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    status = rows(scene.engine, "SELECT status FROM incidents WHERE id = :i", i=incident_id)
    assert status == [("resolved",)]
    closed = (
        "SELECT count(*) FROM timeline_events WHERE incident_id = :i "
        "AND text = 'Status changed from investigating to resolved (drill ended)'"
    )
    assert rows(scene.engine, closed, i=incident_id) == [(1,)]
