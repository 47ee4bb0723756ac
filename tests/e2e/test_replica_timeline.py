"""Notes, pinned messages and updates alternating between two real bot processes on one PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, message_ts, pin, rows
from tests.e2e.update_helpers import update_state
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres
ROUNDS = 10


@pytest.fixture
def replicas(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> Iterator[tuple[Engine, list[SlackClientForTests]]]:
    url = postgres_server.create_database()
    bots = [BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / f"bot{i}.log") for i in range(2)]
    engine = create_engine(url)
    try:
        for process in bots:
            process.start()
        yield engine, [SlackClientForTests(process.base_url, SIGNING_SECRET) for process in bots]
    finally:
        for process in bots:
            process.stop()
        engine.dispose()


def test_notes_and_pins_alternating_between_replicas_are_recorded_once(
    replicas: tuple[Engine, list[SlackClientForTests]], slack: FakeSlack
) -> None:
    engine, clients = replicas
    incident_id, channel = declare_ready(engine, clients[0], "Replicated timeline")
    pinned = [message_ts(seconds_ago=60 - i) for i in range(ROUNDS)]
    for index, ts in enumerate(pinned):
        slack.add_message(channel, ts, user="U002", text=f"Observation {index}")

    def same_event_on_both(index: int) -> list[int]:
        """Slack's retry of one reaction event lands on the other replica at the same moment."""
        event = pin(channel, pinned[index])
        with ThreadPoolExecutor(2) as pool:
            answers = [
                pool.submit(client.event, event, event_id=f"EvPin{index}", retry_num=retry)
                for retry, client in zip((None, 1), clients, strict=True)
            ]
            return [answer.result().status for answer in answers]

    for index in range(ROUNDS):
        note = clients[index % 2].command(f"note Step {index} done", channel_id=channel)
        assert note.status == 200
        assert same_event_on_both(index) == [200, 200]

    def confirmed(index: int) -> bool:
        return any(f"Step {index} done" in c.args["text"] for c in slack.calls_to("chat.postEphemeral"))

    # A note is confirmed once it is on the timeline, by the replica that applied it.
    slack.wait_until(lambda: all(confirmed(index) for index in range(ROUNDS)), timeout=20)

    def captured() -> list[tuple[object, ...]] | None:
        found = rows(
            engine,
            "SELECT message_ts FROM timeline_events WHERE incident_id = :i AND source = 'reaction'",
            i=incident_id,
        )
        return found if len(found) >= ROUNDS else None

    wait_until(captured)
    slack.wait_for("reactions.add", count=ROUNDS)
    entries = rows(
        engine, "SELECT source, text, message_ts FROM timeline_events WHERE incident_id = :i", i=incident_id
    )
    notes = Counter(text for source, text, _ in entries if source == "note")
    assert notes == {f"Step {index} done": 1 for index in range(ROUNDS)}
    marked = Counter(ts for source, _, ts in entries if source == "reaction")
    assert marked == {ts: 1 for ts in pinned}
    acknowledged = Counter(c.args["timestamp"] for c in slack.calls_to("reactions.add"))
    assert acknowledged == {ts: 1 for ts in pinned}, "each retried event was handled by one replica"
    assert rows(engine, "SELECT count(*) FROM processed_events WHERE event_id LIKE 'EvPin%'") == [(ROUNDS,)]


def test_updates_alternating_between_replicas_are_stored_and_posted_once(
    replicas: tuple[Engine, list[SlackClientForTests]], slack: FakeSlack
) -> None:
    engine, clients = replicas
    incident_id, channel = declare_ready(engine, clients[1], "Replicated updates")
    metadata = json.dumps({"incident_id": incident_id, "channel": channel})
    theories = [f"Theory number {index}" for index in range(ROUNDS)]
    for index, theory in enumerate(theories):
        answer = clients[index % 2].submit(
            "post_update", update_state(theory=theory), user_id="U002", private_metadata=metadata
        )
        assert answer.status == 200, answer.body

    def posted() -> Counter[str] | None:
        texts = [
            str(c.args["text"]) for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] == channel
        ]
        found = Counter(theory for theory in theories for text in texts if theory in text)
        return found if len(found) == ROUNDS else None

    wait_until(posted, timeout=20)
    stored = Counter(
        str(r[0]) for r in rows(engine, "SELECT theory FROM updates WHERE incident_id = :i", i=incident_id)
    )
    assert stored == {theory: 1 for theory in theories}
    assert posted() == {theory: 1 for theory in theories}
    logged = rows(
        engine,
        "SELECT count(*) FROM timeline_events WHERE incident_id = :i AND kind = 'update_posted'",
        i=incident_id,
    )
    assert logged == [(ROUNDS,)]
