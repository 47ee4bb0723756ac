"""`kill -9` right after acknowledging Retry clicks on stopped setups, then a restart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.incident.models import Role, SetupState, Severity
from incidentbot.kernel.ports import NewIncident
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from tests.e2e.crash_helpers import answered, burst_then_kill
from tests.e2e.helpers import wait_until
from tests.e2e.process_helpers import rows
from tests.support.crash import Bot, bot_on_own_database
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import ThrowawayPostgres
from tests.support.signing import Response

pytestmark = pytest.mark.postgres
BURST = 12


@pytest.fixture
def bot(postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path) -> Iterator[Bot]:
    with bot_on_own_database(postgres_server, slack, tmp_path) as started:
        yield started


def seed_stopped_setups(url: str, count: int) -> list[int]:
    """`count` declared incidents whose setup ended for good before any channel was made."""
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    ids = []
    with SqlStore(engine).transaction() as tx:
        for index in range(count):
            incident = tx.add_incident(
                NewIncident(
                    team_id="T0001",
                    title=f"Stopped setup {index}",
                    severity=Severity.SEV2,
                    impact="Synthetic",
                    is_private=False,
                    declared_by="U001",
                    declared_at=now,
                    next_update_due=now + timedelta(hours=1),
                )
            )
            failed = {"setup_state": SetupState.FAILED, "setup_error": "name_taken"}
            tx.save_incident(incident.model_copy(update=failed))
            tx.assign_role(incident.id, Role.COMMANDER, "U001", "U001", now)
            ids.append(incident.id)
    engine.dispose()
    return ids


def test_kill_9_mid_burst_of_retries_sets_up_every_acknowledged_one_once(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    incidents = seed_stopped_setups(bot.url, BURST)
    slack.latency = 0.05  # a setup makes many Slack calls: slow, so the kill lands mid-burst

    def click(index: int) -> Response:
        return bot.client.action("retry_setup", str(incidents[index]), user_id="U001", channel_id="DU001")

    first = burst_then_kill(bot, click, BURST)
    acknowledged = {incidents[i] for i in answered(first)}
    assert acknowledged, "some retries were acknowledged before the kill"
    assert not acknowledged <= _ready(bot), "the kill left acknowledged retries not yet carried out"

    bot.take_over_and_restart(slack, tmp_path / "bot2.log")
    wait_until(lambda: acknowledged <= _ready(bot), timeout=90)

    channels = rows(bot.engine, "SELECT channel_name FROM incidents WHERE channel_id IS NOT NULL")
    made = Counter(str(c.args["name"]) for c in slack.ok_calls_to("conversations.create"))
    assert {str(r[0]) for r in channels} <= set(made)
    assert set(made.values()) == {1}, "one channel per incident, none made twice"


def _ready(bot: Bot) -> set[int]:
    found = rows(bot.engine, "SELECT id FROM incidents WHERE setup_state = 'ready'")
    return {int(r[0]) for r in found}
