"""`kill -9` right after acknowledging updates and snoozes, then a restart: each applied once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.crash_helpers import answered, burst_then_kill
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import declare_ready, nag_dms, rows, seed_overdue_nags
from tests.e2e.update_helpers import button_value, update_state
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 20


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def channel_texts(slack: FakeSlack, channel: str, fragment: str) -> Counter[str]:
    return Counter(
        str(c.args["text"])
        for c in slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == channel and fragment in str(c.args["text"])
    )


def test_kill_9_mid_burst_of_updates_posts_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    incident_id, channel = declare_ready(bot.engine, bot.client, "Crash while posting updates")
    metadata = json.dumps({"incident_id": incident_id, "channel": channel})
    slack.latency = (
        0.05  # checking the submitter is in the channel asks Slack: slow, so the kill lands mid-burst
    )

    def submit(index: int, client_of: Bot = bot) -> Response:
        # Each form is its own view; a person resending it after an error sends that same view.
        return client_of.client.submit(
            "post_update",
            update_state(theory=f"Burst finding {index:02d}"),
            user_id="U002",
            private_metadata=metadata,
            view_id=f"VCRASH{index:04d}",
        )

    first = burst_then_kill(bot, submit, BURST)
    assert answered(first), "some updates were acknowledged before the kill"
    assert len(channel_texts(slack, channel, "Burst finding")) < len(answered(first)), (
        "the kill left acknowledged updates not yet posted"
    )

    posted_before = channel_texts(slack, channel, "Burst finding")
    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    # Whoever saw an error submits the very same form again.
    for index in set(range(BURST)) - answered(first):
        assert submit(index).status == 200

    wanted = {f"Burst finding {i:02d}" for i in range(BURST)}

    def posted() -> Counter[str]:
        return Counter(
            finding
            for text in channel_texts(slack, channel, "Burst finding").elements()
            for finding in wanted
            if finding in text
        )

    wait_until(lambda: set(posted()) == wanted, timeout=60)
    # A post Slack took just before the kill, but not yet marked sent, goes out again after the
    # restart: at-least-once at the Slack edge (docs/scheduling.md). Nothing is posted twice after it.
    posted_after = channel_texts(slack, channel, "Burst finding") - posted_before
    assert set(posted_after.values()) <= {1}, "no update posted twice after the restart"
    stored = Counter(str(r[0]) for r in rows(bot.engine, "SELECT theory FROM updates"))
    assert stored == Counter(wanted), "every update recorded once"


def test_kill_9_mid_burst_of_snoozes_applies_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    seeded = seed_overdue_nags(bot.url, slack, BURST)
    wait_until(lambda: len(nag_dms(slack, seeded)) == BURST, timeout=30)
    clicks = [_snooze_click(slack, item.comms) for item in seeded]
    slack.latency = 0.05  # each snooze edits the nag and posts a notice: slow, so the kill lands mid-burst

    def click(index: int) -> Response:
        value, dm, ts = clicks[index]
        lead = seeded[index].comms
        return bot.client.action("snooze_update:15", value, user_id=lead, channel_id=dm, message_ts=ts)

    first = burst_then_kill(bot, click, BURST)
    acknowledged = {seeded[i].incident_id for i in answered(first)}
    assert acknowledged, "some snoozes were acknowledged before the kill"
    assert len(_snoozes(bot)) < len(acknowledged), "the kill left acknowledged snoozes not yet applied"

    announced_before = _notices(slack)
    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    channels = {item.incident_id: item.channel_id for item in seeded}
    wait_until(lambda: acknowledged <= set(_snoozes(bot)), timeout=60)

    # A snooze journalled just before the kill, whose answer never left, is applied too: wait for
    # the notice of every snooze applied, not only of those Slack heard acknowledged.
    wait_until(lambda: {channels[i] for i in _snoozes(bot)} <= set(_notices(slack)), timeout=30)
    snoozes = _snoozes(bot)
    assert set(snoozes.values()) == {1}, "each incident snoozed once"
    assert set(_notices(slack)) == {channels[i] for i in snoozes}, "every snooze announced"
    # At-least-once at the Slack edge, as for updates: nothing is announced twice after the restart.
    assert set((_notices(slack) - announced_before).values()) <= {1}, "no snooze announced twice"


def _notices(slack: FakeSlack) -> Counter[str]:
    """Snooze notices per channel."""
    return Counter(
        str(c.args["channel"])
        for c in slack.ok_calls_to("chat.postMessage")
        if "snoozed 15 min" in str(c.args["text"])
    )


def _snooze_click(slack: FakeSlack, lead: str) -> tuple[str, str, str]:
    """The snooze button's value on the nag DMed to `lead`, the DM's channel and the nag's ts."""
    nag = next(c for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] == lead)
    dm = f"D{lead}"
    shown = next(m for m in slack.messages(dm) if m.get("text") == nag.args["text"])
    return button_value(nag, "snooze_update:15"), dm, str(shown["ts"])


def _snoozes(bot: Bot) -> Counter[int]:
    """Commitments made by a snooze, per incident."""
    found = rows(bot.engine, "SELECT incident_id FROM commitments WHERE source = 'snooze'")
    return Counter(int(r[0]) for r in found)
