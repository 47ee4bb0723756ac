"""`kill -9` right after the ack of the drill form and of each facilitator control, then a restart:
each is applied once (see `tests/e2e/crash_after_ack.py` for how the process is stopped)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from incidentbot.drills.sql_store import PARKED
from tests.drills.helpers import SCENARIO, form_state
from tests.e2e.crash_after_ack import Scene, kill_right_after_ack, posts, scene_on, settled
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.support.fake_events import person_posts
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


def test_a_drill_form_acknowledged_then_killed_starts_the_drill_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    opened = len(slack.ok_calls_to("views.open"))
    assert scene.client.command(f"drill {SCENARIO}", channel_id="C0GENERAL", user_id="U001").status == 200
    form = slack.wait_for("views.open", count=opened + 1, ok_only=True)[opened].args["view"]
    created = len(slack.ok_calls_to("conversations.create"))

    def send(client: SlackClientForTests) -> Response:
        meta = form["private_metadata"]
        return client.submit("drill_start", form_state(scale="1"), user_id="U001", private_metadata=meta)

    def left() -> None:
        assert rows(scene.engine, "SELECT count(*) FROM incidents WHERE drill") == [(0,)], "nothing kept"
        started = "SELECT state FROM reminders WHERE kind = 'apply_drill_start'"
        assert rows(scene.engine, started) == [("pending",)], "but journalled"

    answer = kill_right_after_ack(scene, slack, "drill_runs", send, left)
    assert answer is not None and answer.status == 200 and not answer.body, "acknowledged before the kill"

    running = (
        "SELECT i.channel_id FROM incidents i JOIN drill_runs r ON r.incident_id = i.id "
        "WHERE i.drill AND i.setup_state = 'ready' AND r.ends_at IS NOT NULL"
    )
    [(channel,)] = wait_until(lambda: rows(scene.engine, running), timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert rows(scene.engine, "SELECT count(*) FROM incidents WHERE drill") == [(1,)]
    assert rows(scene.engine, "SELECT count(*) FROM drill_runs") == [(1,)]
    assert len(slack.ok_calls_to("conversations.create")) == created + 1, "one channel built"
    assert posts(slack, str(channel), "Drill briefing") == 1, "briefed once"


def _controlled(
    scene: Scene, slack: FakeSlack, channel: str, words: str, unchanged: Callable[[], object]
) -> None:
    """`/incident drill <words>` acknowledged, the process killed before applying it (`unchanged()`
    reads the same before the request and once the process is dead), then restarted."""
    before = unchanged()
    applied = len(_controls_applied(scene))

    def left() -> None:
        assert unchanged() == before, "killed before it was kept"
        assert _controls_applied(scene)[applied:] == ["pending"], "but journalled"

    def send(client: SlackClientForTests) -> Response:
        return client.command(f"drill {words}", channel_id=channel, user_id="U001")

    answer = kill_right_after_ack(scene, slack, "drill_runs", send, left)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"


def _controls_applied(scene: Scene) -> list[str]:
    """Every control journalled, by state: one applied once reads `done` (a repeat would be refused)."""
    found = rows(scene.engine, "SELECT state FROM reminders WHERE kind = 'apply_drill_control' ORDER BY id")
    return [str(state) for (state,) in found]


def _run(scene: Scene, incident_id: int) -> tuple[object, object]:
    [(paused_at, ends_at)] = rows(
        scene.engine, "SELECT paused_at, ends_at FROM drill_runs WHERE incident_id = :i", i=incident_id
    )
    return paused_at, ends_at


def _injects_to_come(scene: Scene, incident_id: int) -> dict[str, int]:
    """The injects still to be posted, by whether their reminder is held (paused) or due."""
    pending = (
        "SELECT r.due_at FROM reminders r JOIN drill_injects d ON d.id = r.subject_id "
        "WHERE r.kind = 'drill_inject' AND r.state = 'pending' AND d.incident_id = :i"
    )
    found = [due for (due,) in rows(scene.engine, pending, i=incident_id)]
    return dict(Counter("held" if due == PARKED else "due" for due in found))


def test_a_pause_acknowledged_then_killed_pauses_the_drill_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    incident_id, channel = _started_drill(scene, slack)
    to_come = _injects_to_come(scene, incident_id)
    assert set(to_come) == {"due"}
    _controlled(scene, slack, channel, "pause", lambda: _run(scene, incident_id))

    wait_until(lambda: _run(scene, incident_id)[0] is not None, timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _controls_applied(scene) == ["done"]
    assert _injects_to_come(scene, incident_id) == {"held": to_come["due"]}, "every inject to come is held"


def test_a_resume_acknowledged_then_killed_resumes_the_drill_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    incident_id, channel = _started_drill(scene, slack)
    assert scene.client.command("drill pause", channel_id=channel, user_id="U001").status == 200
    wait_until(lambda: _run(scene, incident_id)[0] is not None, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    _controlled(scene, slack, channel, "resume", lambda: _run(scene, incident_id))

    wait_until(lambda: _run(scene, incident_id)[0] is None, timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _controls_applied(scene) == ["done", "done"], "the resume applied once, never refused"
    _, ends_at = _run(scene, incident_id)
    assert ends_at is not None and ends_at < PARKED, "the drill's end is set again, later by the pause"
    assert set(_injects_to_come(scene, incident_id)) == {"due"}, "no inject is left held"


def test_a_skip_acknowledged_then_killed_brings_one_inject_forward_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    incident_id, channel = _started_drill(scene, slack)
    injects = "SELECT count(*) FROM drill_injects WHERE incident_id = :i"
    [(before,)] = rows(scene.engine, injects, i=incident_id)
    _controlled(scene, slack, channel, "skip", lambda: rows(scene.engine, injects, i=incident_id))

    wait_until(lambda: rows(scene.engine, injects, i=incident_id) == [(before + 1,)], timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _controls_applied(scene) == ["done"]
    skipped = "SELECT count(*) FROM drill_injects WHERE incident_id = :i AND skipped <> 0"
    assert rows(scene.engine, skipped, i=incident_id) == [(1,)], "one inject brought forward"
    added = "SELECT text, delivered_at FROM drill_injects WHERE incident_id = :i AND number = :n"
    [(text, delivered_at)] = rows(scene.engine, added, i=incident_id, n=before + 1)
    assert delivered_at is not None
    assert posts(slack, channel, str(text)[:40]) == 1, "posted once"


def test_an_inject_acknowledged_then_killed_is_added_and_posted_once_after_restart(
    scene: Scene, slack: FakeSlack
) -> None:
    incident_id, channel = _started_drill(scene, slack)
    words = "Legal asks whether customer data was exposed"
    added = "SELECT count(*) FROM drill_injects WHERE incident_id = :i AND text = :t"
    _controlled(
        scene, slack, channel, f"inject {words}", lambda: rows(scene.engine, added, i=incident_id, t=words)
    )

    wait_until(lambda: rows(scene.engine, added, i=incident_id, t=words) == [(1,)], timeout=60)
    wait_until(lambda: posts(slack, channel, words) >= 1, timeout=30)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert _controls_applied(scene) == ["done"]
    assert posts(slack, channel, words) == 1, "posted once"


SUPPORT_ASKS = 4
"""checkout-lock's inject 4: Support asks what to tell customers, and a reply is required."""


def _last_inject_posted(scene: Scene, incident_id: int) -> str:
    """The thread of the inject posted last (a skip posts the next inject again, as a new row)."""
    last = (
        "SELECT message_ts FROM drill_injects WHERE incident_id = :i AND message_ts IS NOT NULL "
        "ORDER BY number DESC LIMIT 1"
    )
    [(ts,)] = rows(scene.engine, last, i=incident_id)
    return str(ts)


def test_a_reply_acknowledged_then_killed_is_kept_once_after_restart(scene: Scene, slack: FakeSlack) -> None:
    incident_id, channel = _started_drill(scene, slack)
    for _ in range(SUPPORT_ASKS - 1):  # each skip brings the next inject forward to now
        assert scene.client.command("drill skip", channel_id=channel, user_id="U001").status == 200
        wait_until(lambda: settled(scene.engine), timeout=30)
    thread = _last_inject_posted(scene, incident_id)
    assert posts(slack, channel, "40 open tickets") == 1, (
        "inject 4 is out: Support asks what to tell customers"
    )
    kept = "SELECT user_id, thread_ts FROM drill_replies WHERE incident_id = :i"
    journalled = "SELECT state FROM reminders WHERE kind = 'apply_drill_reply' ORDER BY id"

    def left() -> None:
        assert rows(scene.engine, kept, i=incident_id) == [], "killed before it was kept"
        assert rows(scene.engine, journalled) == [("pending",)], "but journalled"

    def send(client: SlackClientForTests) -> Response:
        sent = person_posts(slack, client, channel, "U002", "Tell them checkout is down", thread_ts=thread)
        assert sent.response is not None, "the bot is subscribed to the channel's messages"
        return sent.response

    answer = kill_right_after_ack(scene, slack, "drill_replies", send, left)
    assert answer is not None and answer.status == 200, "Slack had its ack before the kill"

    wait_until(lambda: rows(scene.engine, kept, i=incident_id), timeout=60)
    wait_until(lambda: settled(scene.engine), timeout=30)
    assert rows(scene.engine, kept, i=incident_id) == [("U002", thread)], "kept once"
    assert rows(scene.engine, journalled) == [("done",)]
