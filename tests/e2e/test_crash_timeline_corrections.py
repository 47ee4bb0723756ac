"""`kill -9` right after acknowledging timeline edits and removals, then a restart: each once."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.incident.models import EventKind
from incidentbot.kernel.ports import NewEvent
from incidentbot.store.sql import SqlStore
from tests.e2e.crash_helpers import answered, burst_then_kill
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, rows
from tests.support import signing
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 20
CORRECTIONS = "SELECT text FROM timeline_events WHERE kind = 'timeline_corrected'"


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def seed_entries(bot: Bot, incident_id: int) -> list[int]:
    """`BURST` entries written by the scribe, each with its own words."""
    at = datetime.now(UTC) - timedelta(minutes=5)
    with SqlStore(bot.engine).transaction() as tx:
        added = [
            tx.add_event(
                NewEvent(
                    incident_id=incident_id,
                    kind=EventKind.INVESTIGATION,
                    text=f"Entry {index:02d}",
                    occurred_at=at,
                    actor_id="U002",
                )
            )
            for index in range(BURST)
        ]
    return [event.id for event in added if event is not None]


def crash_and_resend(bot: Bot, slack: FakeSlack, tmp_path: Path, submit: Callable[[int], Response]) -> None:
    first = burst_then_kill(bot, submit, BURST)
    assert answered(first), "some forms were acknowledged before the kill"
    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    # Whoever saw an error submits the very same form again.
    for index in set(range(BURST)) - answered(first):
        assert submit(index).status == 200


def corrections(bot: Bot) -> Counter[str]:
    return Counter(str(r[0]) for r in rows(bot.engine, CORRECTIONS))


def test_kill_9_mid_burst_of_timeline_edits_applies_every_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    incident_id, channel = declare_ready(bot.engine, bot.client, "Crash while correcting the timeline")
    ids = seed_entries(bot, incident_id)
    slack.latency = 0.05  # each edit is confirmed and its page redrawn: slow, so the kill lands mid-burst

    def submit(index: int) -> Response:
        state = {
            "entry_text": {"value": signing.plain(f"Entry {index:02d}, corrected")},
            "entry_time": {"value": signing.datetimepicker(int(time.time()) - 300)},
            "entry_kind": {"value": signing.static_select("action")},
        }
        meta = json.dumps({"event_id": ids[index], "channel": channel})
        return bot.client.submit(
            "timeline_edit", state, user_id="U001", private_metadata=meta, view_id=f"VED{index:04d}"
        )

    crash_and_resend(bot, slack, tmp_path, submit)

    def edited() -> set[str]:
        found = rows(bot.engine, "SELECT text FROM timeline_events WHERE edited AND deleted_at IS NULL")
        return {str(r[0]) for r in found}

    wait_until(lambda: edited() == {f"Entry {i:02d}, corrected" for i in range(BURST)}, timeout=60)
    wait_until(lambda: sum(corrections(bot).values()) >= BURST, timeout=30)
    assert sum(corrections(bot).values()) == BURST, "each edit recorded as one correction"


def test_kill_9_mid_burst_of_timeline_removals_applies_every_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    incident_id, channel = declare_ready(bot.engine, bot.client, "Crash while pruning the timeline")
    ids = seed_entries(bot, incident_id)
    slack.latency = 0.05

    def submit(index: int) -> Response:
        meta = json.dumps({"event_id": ids[index], "channel": channel})
        return bot.client.submit(
            "timeline_delete", {}, user_id="U001", private_metadata=meta, view_id=f"VRM{index:04d}"
        )

    crash_and_resend(bot, slack, tmp_path, submit)

    def removed() -> int:
        found = rows(bot.engine, "SELECT count(*) FROM timeline_events WHERE deleted_at IS NOT NULL")
        return int(found[0][0])

    wait_until(lambda: removed() == BURST, timeout=60)
    wait_until(lambda: sum(corrections(bot).values()) >= BURST, timeout=30)
    assert sum(corrections(bot).values()) == BURST, "each removal recorded as one correction"
