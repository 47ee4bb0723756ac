"""`kill -9` right after acknowledging "Add to timeline" forms, then a restart: each saved once."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.crash_helpers import answered, burst_then_kill
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, message_ts, rows
from tests.support import signing
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 20
SAVED = "SELECT message_ts, text FROM timeline_events WHERE source = 'shortcut' AND deleted_at IS NULL"


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def test_kill_9_mid_burst_of_timeline_forms_saves_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    incident_id, channel = declare_ready(bot.engine, bot.client, "Crash while the scribe writes")
    messages = [message_ts(seconds_ago=300 - i) for i in range(BURST)]
    for index, ts in enumerate(messages):
        slack.add_message(channel, ts, user="U002", text=f"Observation {index}")
    slack.latency = 0.05  # linking each entry to its message asks Slack: slow, so the kill lands mid-burst

    def submit(index: int) -> Response:
        ts = messages[index]
        meta = {"incident_id": incident_id, "channel": channel, "ts": ts, "author_id": "U002"}
        state = {
            "entry_text": {"value": signing.plain(f"Scribe entry {index:02d}")},
            "entry_time": {"value": signing.datetimepicker(int(time.time()) - 300)},
            "entry_kind": {"value": signing.static_select("investigation")},
        }
        # Each form is its own view; a person resending it after an error sends that same view.
        return bot.client.submit(
            "timeline_add",
            state,
            user_id="U003",
            private_metadata=json.dumps(meta),
            view_id=f"VTL{index:04d}",
        )

    first = burst_then_kill(bot, submit, BURST)
    assert answered(first), "some forms were acknowledged before the kill"

    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    for index in set(range(BURST)) - answered(first):
        assert submit(index).status == 200

    def saved() -> Counter[str]:
        return Counter(str(r[0]) for r in rows(bot.engine, SAVED))

    wait_until(lambda: set(saved()) == set(messages), timeout=60)
    assert set(saved().values()) == {1}, "one entry per message"
    texts = {str(r[1]) for r in rows(bot.engine, SAVED)}
    assert texts == {f"Scribe entry {i:02d}" for i in range(BURST)}
