"""Two real bot processes on one PostgreSQL, requests alternating between them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.helpers import declare_state, wait_until
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import SIGNING_SECRET
from tests.support.postgres import ThrowawayPostgres
from tests.support.processes import BotProcess
from tests.support.signing import SlackClientForTests

pytestmark = pytest.mark.postgres


@pytest.fixture
def replicas(
    postgres_server: ThrowawayPostgres, slack: FakeSlack, tmp_path: Path
) -> Iterator[tuple[str, list[SlackClientForTests]]]:
    url = postgres_server.create_database()
    bots = [BotProcess(slack.url, url, SIGNING_SECRET, tmp_path / f"bot{i}.log") for i in range(2)]
    try:
        for bot in bots:
            bot.start()
        yield url, [SlackClientForTests(bot.base_url, SIGNING_SECRET) for bot in bots]
    finally:
        for bot in bots:
            bot.stop()


def test_declarations_alternating_between_replicas_get_unique_numbers(
    replicas: tuple[str, list[SlackClientForTests]], slack: FakeSlack
) -> None:
    url, clients = replicas
    for index in range(20):
        response = clients[index % 2].submit("declare_incident", declare_state(title=f"Incident {index}"))
        assert response.status == 200
    engine = create_engine(url)

    def ready() -> list[tuple[int, str]] | None:
        with engine.connect() as db:
            rows = db.execute(
                text("SELECT number, channel_id FROM incidents WHERE setup_state = 'ready'")
            ).all()
        return [(r[0], r[1]) for r in rows] if len(rows) == 20 else None

    rows = wait_until(ready, timeout=60)
    assert sorted(number for number, _ in rows) == list(range(1, 21))
    assert len({channel for _, channel in rows}) == 20
    assert slack.count("pins.add") == 20
    engine.dispose()


def test_a_retry_landing_on_the_other_replica_is_processed_once(
    replicas: tuple[str, list[SlackClientForTests]], slack: FakeSlack
) -> None:
    _, clients = replicas
    event = {"type": "app_home_opened", "user": "U002", "tab": "home"}
    assert clients[0].event(event, event_id="EvReplica").status == 200
    assert clients[1].event(event, event_id="EvReplica", retry_num=1).status == 200
    assert clients[0].event(event, event_id="EvReplica", retry_num=2).status == 200
    slack.wait_for("views.publish")
    clients[1].event(event, event_id="EvAnother")
    slack.wait_for("views.publish", count=2)
    assert slack.count("views.publish") == 2


def test_one_declare_form_reaching_both_replicas_declares_once(
    replicas: tuple[str, list[SlackClientForTests]], slack: FakeSlack
) -> None:
    url, clients = replicas
    form = signing.view_submission(
        "declare_incident", declare_state(), view_id="VREPLICA01", view_hash="1700000003.c0ffee"
    )
    start = threading.Barrier(len(clients))
    answers: list[int] = []

    def submit(client: SlackClientForTests) -> None:
        start.wait()
        answers.append(client.post(*form).status)

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200, 200]
    engine = create_engine(url)
    declared = text("SELECT count(*) FROM reminders WHERE kind = 'apply_declare'")
    with engine.connect() as db:
        assert db.execute(declared).scalar_one() == 1, "one journal row"
    slack.wait_for("pins.add")
    wait_until(lambda: _no_pending_requests(engine))
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM incidents")).scalar_one() == 1
    assert slack.count("conversations.create") == 1
    engine.dispose()


def _no_pending_requests(engine: Any) -> bool:
    with engine.connect() as db:
        pending = db.execute(
            text("SELECT count(*) FROM reminders WHERE kind = 'apply_declare' AND state = 'pending'")
        ).scalar_one()
    return pending == 0
