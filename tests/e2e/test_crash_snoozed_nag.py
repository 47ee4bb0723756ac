"""`kill -9` right after acknowledging a snooze, then a restart: the nag DM shows the snooze, once.

The edit of the nag is an outbox message the snooze owes, written in the transaction that applies
it; before, the listener edited the DM itself after applying, so a snooze applied by the restart
left the nag's buttons as they were. (See `crash_after_ack.py` for how the process is stopped.)
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.crash_after_ack import settled, waiting_on_a_lock, writes_held
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import nag_dms, rows, seed_overdue_nags
from tests.e2e.update_helpers import button_value
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def test_a_snooze_acknowledged_then_killed_shows_on_its_nag_once_after_restart(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    [seeded] = seed_overdue_nags(bot.url, slack, 1)
    lead = seeded.comms
    wait_until(lambda: len(nag_dms(slack, [seeded])) == 1, timeout=30)
    nag = next(c for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] == lead)
    dm = f"D{lead}"
    ts = str(next(m for m in slack.messages(dm) if m.get("text") == nag.args["text"])["ts"])
    value = button_value(nag, "snooze_update:15")
    # The nag's own follow-ups (its channel notice, the summary) done, so the lock below holds up
    # the snooze alone (the escalation waits for its grace).
    due_now = "SELECT 1 FROM reminders WHERE state = 'pending' AND kind <> 'escalation'"
    wait_until(lambda: not rows(bot.engine, due_now), timeout=30)

    def click() -> Response | None:
        try:
            return bot.client.action("snooze_update:15", value, user_id=lead, channel_id=dm, message_ts=ts)
        except OSError:
            return None

    with ThreadPoolExecutor(1) as pool, writes_held(bot.engine, "timeline_events"):
        answer = pool.submit(click)
        wait_until(lambda: waiting_on_a_lock(bot.engine), timeout=30)
        bot.kill()
        answered = answer.result()
    assert answered is not None and answered.status == 200, "Slack had its ack before the kill"
    bot.take_over_and_restart(slack, tmp_path / "restarted.log")

    snoozes = "SELECT count(*) FROM commitments WHERE source = 'snooze'"
    wait_until(lambda: rows(bot.engine, snoozes) == [(1,)], timeout=60)
    wait_until(lambda: _edits(slack, dm, ts) != [], timeout=30)
    wait_until(lambda: settled(bot.engine), timeout=30)
    [edit] = _edits(slack, dm, ts)
    assert "Snoozed" in edit, "the nag's buttons are replaced by the snooze"


def _edits(slack: FakeSlack, channel: str, ts: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in slack.ok_calls_to("chat.update")
        if c.args["channel"] == channel and c.args["ts"] == ts
    ]
