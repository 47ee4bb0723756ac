"""`kill -9` in the middle of a burst of notes and pinned messages, then a restart."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from incidentbot.timeline.rules import PENDING_TEXT
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, message_ts, pin, rows
from tests.support.crash import NORMAL_TICKS, Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response, SlackClientForTests

pytestmark = pytest.mark.postgres
BURST = 30
CAPTURED = "SELECT message_ts FROM timeline_events WHERE source = 'reaction'"


@dataclass
class Scene:
    bot: Bot
    channel: str
    pinned: list[str]

    @property
    def engine(self) -> Engine:
        return self.bot.engine

    @property
    def client(self) -> SlackClientForTests:
        return self.bot.client

    def restart(self, slack: FakeSlack, log: Path) -> None:
        self.bot.restart(slack, log)

    def mark(self, index: int, retry_num: int | None = None) -> Response | None:
        try:
            event = pin(self.channel, self.pinned[index])
            return self.client.event(event, event_id=f"EvBurst{index}", retry_num=retry_num)
        except OSError:
            return None  # unanswered: Slack retries it

    def severity(self, index: int) -> Response | None:
        try:
            return self.client.command(f"severity {index % 4 + 1}", channel_id=self.channel)
        except OSError:
            return None

    def note(self, index: int) -> Response | None:
        try:
            return self.client.command(f"note Burst note {index}", channel_id=self.channel)
        except OSError:
            return None  # died before answering: Slack shows the person an error


@pytest.fixture
def scene(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Scene]:
    with bot_on_own_database(postgres_server, slack, tmp_path, NORMAL_TICKS) as bot:
        _, channel = declare_ready(bot.engine, bot.client, "Crash while writing the timeline")
        pinned = [message_ts(seconds_ago=120 - i) for i in range(BURST)]
        for index, ts in enumerate(pinned):
            slack.add_message(channel, ts, user="U002", text=f"Observation {index}")
        slack.latency = 0.05  # a capture reads the message from Slack: slow, so the kill lands mid-burst
        yield Scene(bot, channel, pinned)


def burst_then_kill(
    scene: Scene, slack: FakeSlack, senders: list[Callable[[int], Response | None]]
) -> list[list[Response | None]]:
    with ThreadPoolExecutor(8) as pool:
        futures = [[pool.submit(send, index) for index in range(BURST)] for send in senders]
        wait_until(lambda: slack.count("reactions.add") >= 2, timeout=20)
        scene.bot.kill()
        return [[future.result() for future in sent] for sent in futures]


def journalled(scene: Scene, kind: str, field: str) -> set[str]:
    """What the requests of this kind journalled, whatever became of them."""
    found = rows(scene.engine, "SELECT payload FROM reminders WHERE kind = :k", k=kind)
    return {str(json.loads(str(r[0]))[field]) for r in found}


def take_over_now(scene: Scene) -> None:
    """The restarted process leaves rows to the thread that wrote them for 10 s, and rows the dead
    one had claimed until their 60 s lease runs out; moving `claimed_until` into the past stands in
    for waiting that long on the real clock."""
    with scene.engine.begin() as db:
        db.execute(
            text(
                "UPDATE reminders SET claimed_until = now() - interval '1 second' "
                "WHERE state = 'pending' AND (kind = 'capture' OR kind LIKE 'apply_%')"
            )
        )


def redeliver_every_pin(scene: Scene) -> None:
    """Slack retries what got no answer (and sometimes what did) — here, all of it."""
    for index in range(BURST):
        answer = scene.mark(index, retry_num=1)
        assert answer is not None and answer.status == 200


def answered(responses: list[Response | None]) -> set[int]:
    return {i for i, answer in enumerate(responses) if answer is not None and answer.status == 200}


def test_kill_9_mid_burst_keeps_every_acknowledged_note_and_doubles_nothing(
    scene: Scene, slack: FakeSlack, tmp_path: Path
) -> None:
    notes, marks = burst_then_kill(scene, slack, [scene.note, scene.mark])
    acknowledged = {f"Burst note {i}" for i in answered(notes)}
    assert acknowledged, "some notes were acknowledged before the kill"
    kept = journalled(scene, "apply_note", "words")
    assert acknowledged <= kept, "a note is in the database before it is acknowledged"
    assert answered(marks), "some pins were acknowledged before the kill"

    scene.restart(slack, tmp_path / "bot2.log")
    take_over_now(scene)
    redeliver_every_pin(scene)
    captured_before = len(rows(scene.engine, CAPTURED))
    # Redeliveries after the restart are all acknowledged; a new pin proves they were handled.
    late = message_ts(seconds_ago=1)
    slack.add_message(scene.channel, late, user="U002", text="After the restart")
    assert scene.client.event(pin(scene.channel, late), event_id="EvAfter").status == 200
    wait_until(lambda: late in {r[0] for r in rows(scene.engine, CAPTURED)})

    def notes_after() -> Counter[str]:
        return Counter(
            str(r[0]) for r in rows(scene.engine, "SELECT text FROM timeline_events WHERE source = 'note'")
        )

    wait_until(lambda: set(notes_after()) == kept, timeout=30)
    assert set(notes_after().values()) == {1}, "every journalled note applied once, none doubled"
    marked = Counter(str(r[0]) for r in rows(scene.engine, CAPTURED))
    assert set(marked.values()) == {1}, "no pinned message captured twice"
    assert len(marked) >= captured_before + 1


def test_kill_9_mid_burst_of_pins_every_acknowledged_pin_is_captured_after_restart(
    scene: Scene, slack: FakeSlack, tmp_path: Path
) -> None:
    (marks,) = burst_then_kill(scene, slack, [scene.mark])
    acknowledged = answered(marks)
    assert acknowledged, "some pins were acknowledged before the kill"
    acknowledged_ts = {scene.pinned[i] for i in acknowledged}
    assert acknowledged_ts <= journalled(scene, "apply_mark", "ts"), "a pin is recorded before its ack"
    filled = {str(r[0]) for r in rows(scene.engine, f"{CAPTURED} AND text <> :t", t=PENDING_TEXT)}
    assert acknowledged_ts - filled, "the kill left acknowledged pins whose message was not fetched yet"

    scene.restart(slack, tmp_path / "bot2.log")
    take_over_now(scene)
    # Slack retries only what got no answer.
    for index in set(range(BURST)) - acknowledged:
        answer = scene.mark(index, retry_num=1)
        assert answer is not None and answer.status == 200

    def filled() -> Counter[str]:
        return Counter(str(r[0]) for r in rows(scene.engine, f"{CAPTURED} AND text <> :t", t=PENDING_TEXT))

    wait_until(lambda: len(filled()) == BURST, timeout=30)
    assert set(filled().values()) == {1}, "no pinned message captured twice"
    texts = {
        str(r[0]) for r in rows(scene.engine, "SELECT text FROM timeline_events WHERE source = 'reaction'")
    }
    assert texts == {f"Observation {i}" for i in range(BURST)}


def test_kill_9_mid_burst_of_severity_changes_applies_every_acknowledged_one_after_restart(
    scene: Scene, slack: FakeSlack, tmp_path: Path
) -> None:
    changes, _ = burst_then_kill(scene, slack, [scene.severity, scene.mark])
    acknowledged = answered(changes)
    assert acknowledged, "some changes were acknowledged before the kill"
    kept = rows(scene.engine, "SELECT id, payload FROM reminders WHERE kind = 'apply_change'")
    assert len(kept) >= len(acknowledged), "a change is in the database before it is acknowledged"

    scene.restart(slack, tmp_path / "bot2.log")
    take_over_now(scene)

    def unapplied() -> int:
        return len(
            # A request for the severity the incident already has is answered and cancelled.
            rows(scene.engine, "SELECT id FROM reminders WHERE kind = 'apply_change' AND state = 'pending'")
        )

    wait_until(lambda: unapplied() == 0, timeout=30)
    changed = rows(scene.engine, "SELECT count(*) FROM timeline_events WHERE kind = 'severity_changed'")
    assert 0 < int(changed[0][0]) <= len(kept), "each journalled change applied at most once"
