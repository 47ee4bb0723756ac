"""`kill -9` right after acknowledging role changes (clicks, `/incident role`, the roles form), then
a restart: each applied once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from tests.e2e.crash_helpers import answered, burst_then_kill
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.support import signing
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.seeding import Seeded, seed_due_incidents
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 20


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def seed_open_incidents(url: str, count: int) -> list[Seeded]:
    """`count` open incidents with no scribe yet, their next update an hour away (no nag due)."""
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    seeded = seed_due_incidents(SqlStore(engine), [now + timedelta(hours=1)] * count, declared_at=now)
    engine.dispose()
    return seeded


def test_kill_9_mid_burst_of_role_clicks_applies_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    seeded = seed_open_incidents(bot.url, BURST)
    takers = [f"UR{index:04d}" for index in range(BURST)]
    for taker in takers:
        slack.add_user(taker, taker.lower())
    slack.latency = 0.05  # each assignment posts, DMs and edits: slow, so the kill lands mid-burst

    def click(index: int) -> Response:
        item = seeded[index]
        return bot.client.action(
            "take_role:scribe",
            f"{item.incident_id}:scribe",
            user_id=takers[index],
            channel_id=item.channel_id,
        )

    first = burst_then_kill(bot, click, BURST)
    acknowledged = {seeded[i].incident_id: takers[i] for i in answered(first)}
    assert acknowledged, "some clicks were acknowledged before the kill"
    assert len(_assigned(bot)) < len(acknowledged), "the kill left acknowledged clicks not yet applied"

    sent_before = _checklists(slack, takers)
    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    wait_until(lambda: set(acknowledged) <= set(_assigned(bot)), timeout=60)
    wait_until(lambda: set(acknowledged.values()) <= set(_checklists(slack, takers)), timeout=30)

    assigned = _assigned(bot)
    assert set(assigned.values()) == {1}, "each role taken once"
    # A DM Slack took just before the kill, but not yet marked sent, goes out again after the
    # restart: at-least-once at the Slack edge (docs/scheduling.md). Nothing is sent twice after it.
    sent_after = _checklists(slack, takers) - sent_before
    assert set(sent_after.values()) <= {1}, "no checklist sent twice after the restart"
    scribes = rows(
        bot.engine,
        "SELECT incident_id, user_id FROM role_assignments WHERE role = 'scribe' AND ended_at IS NULL",
    )
    assert {int(r[0]): str(r[1]) for r in scribes if int(r[0]) in acknowledged} == acknowledged


def _assigned(bot: Bot) -> Counter[int]:
    """Assignments on the timeline, per incident (seeding assigned the others without an entry)."""
    found = rows(bot.engine, "SELECT incident_id FROM timeline_events WHERE kind = 'role_assigned'")
    return Counter(int(r[0]) for r in found)


def _checklists(slack: FakeSlack, takers: list[str]) -> Counter[str]:
    """Scribe checklists DMed, per taker (a taker may also be told that Slack was slow)."""
    return Counter(
        str(c.args["channel"])
        for c in slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] in takers and str(c.args["text"]).startswith("You are *scribe*")
    )


def test_kill_9_mid_burst_of_role_commands_applies_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    seeded = seed_open_incidents(bot.url, BURST)
    named = [f"UC{index:04d}" for index in range(BURST)]
    for person in named:
        slack.add_user(person, person.lower())
    slack.latency = 0.05  # each assignment posts, DMs and edits: slow, so the kill lands mid-burst

    def assign(index: int) -> Response:
        # The commander names the scribe, typed as a person types it (`@name`, completed by Slack).
        item = seeded[index]
        return bot.client.command(
            f"role scribe @{named[index].lower()}", user_id="U001", channel_id=item.channel_id
        )

    first = burst_then_kill(bot, assign, BURST)
    acknowledged = {seeded[i].incident_id: named[i] for i in answered(first)}
    assert acknowledged, "some commands were acknowledged before the kill"
    assert len(_assigned(bot)) < len(acknowledged), "the kill left acknowledged commands not yet applied"

    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    wait_until(lambda: set(acknowledged) <= set(_assigned(bot)), timeout=60)

    assert set(_assigned(bot).values()) == {1}, "each role given once"
    scribes = rows(
        bot.engine,
        "SELECT incident_id, user_id FROM role_assignments WHERE role = 'scribe' AND ended_at IS NULL",
    )
    assert {int(r[0]): str(r[1]) for r in scribes if int(r[0]) in acknowledged} == acknowledged


def test_kill_9_mid_burst_of_roles_forms_applies_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    seeded = seed_open_incidents(bot.url, BURST)
    named = [f"UF{index:04d}" for index in range(BURST)]
    for person in named:
        slack.add_user(person, person.lower())
    slack.latency = 0.05  # each assignment posts, DMs and edits: slow, so the kill lands mid-burst

    def submit(index: int) -> Response:
        state = {"scribe": {"value": signing.users_select(named[index])}}
        metadata = json.dumps({"incident_id": seeded[index].incident_id})
        return bot.client.submit("assign_roles", state, user_id="U001", private_metadata=metadata)

    first = burst_then_kill(bot, submit, BURST)
    acknowledged = {seeded[i].incident_id: named[i] for i in answered(first)}
    assert acknowledged, "some forms were acknowledged before the kill"
    assert len(_assigned(bot)) < len(acknowledged), "the kill left acknowledged forms not yet applied"

    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    wait_until(lambda: set(acknowledged) <= set(_assigned(bot)), timeout=60)

    assert set(_assigned(bot).values()) == {1}, "each form applied once"
    scribes = rows(
        bot.engine,
        "SELECT incident_id, user_id FROM role_assignments WHERE role = 'scribe' AND ended_at IS NULL",
    )
    assert {int(r[0]): str(r[1]) for r in scribes if int(r[0]) in acknowledged} == acknowledged
