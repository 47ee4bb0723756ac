"""Due nags with two real bot processes on one PostgreSQL, and with one of them killed mid-batch.

The processes run on the real clock, so the due work is written into the database directly: each
seeded incident's promised update was due ten minutes ago, which makes its nag due at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import nag_dms, nag_states, rows, seed_overdue_nags, timeline_kinds
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.seeding import Seeded

pytestmark = pytest.mark.postgres
PENDING_NAGS = "SELECT id FROM reminders WHERE kind = 'nag' AND state = 'pending'"
FAST_TICKS = {"REMINDER_INTERVAL_SECONDS": "0.2", "REMINDER_THREADS": "4"}


@pytest.fixture
def shared_database(postgres_server: ThrowawayPostgres) -> Iterator[tuple[str, Engine]]:
    url = postgres_server.create_database()
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def bot(slack: FakeSlack, url: str, log: Path) -> BotProcess:
    return BotProcess(slack.url, url, SIGNING_SECRET, log, **FAST_TICKS)


def assert_each_nag_recorded_once(engine: Engine, seeded: list[Seeded]) -> None:
    """The done mark, the missed commitment and the timeline entry are written once per incident."""
    assert nag_states(engine) == {"done": len(seeded)}
    ids = {item.incident_id for item in seeded}
    for kind in ("nag", "missed_commitment"):
        per_incident = timeline_kinds(engine, kind)
        assert set(per_incident) == ids and set(per_incident.values()) == {1}, kind


def test_two_replicas_deliver_every_due_nag_exactly_once(
    shared_database: tuple[str, Engine], slack: FakeSlack, tmp_path: Path
) -> None:
    url, engine = shared_database
    slack.latency = 0.01  # each delivery takes a moment, so both replicas find work
    bots = [bot(slack, url, tmp_path / f"bot{i}.log").start() for i in range(2)]
    try:
        seeded = seed_overdue_nags(url, slack, 60)
        wait_until(lambda: nag_states(engine) == {"done": 60}, timeout=25)
        notices = {item.channel_id for item in seeded}
        wait_until(lambda: notices <= {c.args["channel"] for c in slack.ok_calls_to("chat.postMessage")})
    finally:
        for process in bots:
            process.stop()
    dms = nag_dms(slack, seeded)
    assert set(dms) == {item.comms for item in seeded}
    assert set(dms.values()) == {1}, "no nag DM twice"
    channel_posts = [c.args["channel"] for c in slack.ok_calls_to("chat.postMessage")]
    assert all(channel_posts.count(channel) == 1 for channel in notices), "one channel notice each"
    assert_each_nag_recorded_once(engine, seeded)
    workers = rows(engine, "SELECT DISTINCT claimed_by FROM reminders WHERE kind = 'nag'")
    # Each process delivers nags from its tick and from its timed lane (`<worker>/timed`).
    processes = {str(worker).split("/")[0] for (worker,) in workers}
    assert len(processes) == 2, "both replicas delivered a share"


def test_kill_9_mid_batch_every_nag_fires_and_only_an_unfinished_one_may_repeat(
    shared_database: tuple[str, Engine], slack: FakeSlack, tmp_path: Path
) -> None:
    url, engine = shared_database
    seeded = seed_overdue_nags(url, slack, 40)
    slack.latency = 0.1  # slow deliveries, so the kill lands while a batch is in flight
    victim = bot(slack, url, tmp_path / "victim.log").start()
    wait_until(lambda: nag_states(engine)["done"] >= 4, timeout=20)
    victim.kill()
    assert victim.process is not None
    dead = f":{victim.process.pid}:"
    time.sleep(5 * slack.latency)  # requests the dead process sent are still being answered
    at_kill = nag_dms(slack, seeded)
    held = rows(
        engine,
        "SELECT id, kind FROM reminders WHERE state = 'pending' AND claimed_by LIKE :w",
        w=f"%{dead}%",
    )
    assert held, "the kill left claimed, unfinished reminders behind"
    assert 0 < nag_states(engine)["done"] < len(seeded), "killed in the middle of the work"

    # A restarted process has a new worker id: it takes everything unclaimed at once, but leaves
    # the dead worker's rows alone until their lease (60 s) runs out. Moving `claimed_until`
    # into the past stands in for waiting out the lease on the real clock.
    restarted = bot(slack, url, tmp_path / "restarted.log").start()
    try:
        wait_until(
            lambda: {r[0] for r in rows(engine, PENDING_NAGS)} <= {r[0] for r in held},
            timeout=20,
        )
        time.sleep(1)  # several more ticks of the restarted process, which must keep off the live leases
        still_held = {r[0] for r in rows(engine, PENDING_NAGS)}
        assert still_held == {r[0] for r in held if r[1] == "nag"}, "a live lease is not taken over"
        with engine.begin() as db:
            db.execute(
                text(
                    "UPDATE reminders SET claimed_until = now() - interval '1 second' "
                    "WHERE state = 'pending' AND claimed_by LIKE :w"
                ),
                {"w": f"%{dead}%"},
            )
        wait_until(lambda: nag_states(engine) == {"done": len(seeded)}, timeout=20)
        notices = {item.channel_id for item in seeded}
        wait_until(lambda: notices <= {c.args["channel"] for c in slack.ok_calls_to("chat.postMessage")})
    finally:
        restarted.stop()

    dms = nag_dms(slack, seeded)
    assert set(dms) == {item.comms for item in seeded}, "every due nag went out"
    repeated = {lead for lead, n in dms.items() if n > 1}
    # At-least-once only where Slack took the DM and the process died before marking the row done:
    # such a lead had the DM before the kill and was among the dead worker's unfinished rows.
    held_incidents = {
        int(r[0])
        for r in rows(
            engine, "SELECT incident_id FROM reminders WHERE id = ANY(:ids)", ids=[r[0] for r in held]
        )
    }
    held_leads = {item.comms for item in seeded if item.incident_id in held_incidents}
    assert repeated <= {lead for lead in held_leads if at_kill[lead] == 1}
    assert all(dms[lead] <= 2 for lead in repeated)
    assert len(repeated) <= int(FAST_TICKS["REMINDER_THREADS"]), "at most the deliveries in flight"
    assert_each_nag_recorded_once(engine, seeded)
