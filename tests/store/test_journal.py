"""Journal rows written many to a commit, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.journal import BatchingJournal
from incidentbot.store.tables import reminders

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOLD = NOW + timedelta(seconds=10)
CALLERS = 40


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_a_lone_request_is_committed_before_append_returns(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    row = journal.append("apply_note", '{"words": "one"}', NOW, HOLD)
    journal.close()
    assert (row.kind, row.payload, row.due_at, row.claimed_until) == (
        "apply_note",
        '{"words": "one"}',
        NOW,
        HOLD,
    )
    assert (row.state, row.claimed_by, row.subject_id) == (ReminderState.PENDING, None, None)
    with engine.connect() as db:
        assert db.execute(select(reminders.c.payload).where(reminders.c.id == row.id)).scalar_one() == (
            '{"words": "one"}'
        )
    assert journal.commits == 1


def test_requests_arriving_together_share_commits_and_each_gets_its_own_row(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    journal.append("apply_note", "{}", NOW, HOLD)  # the writer is up
    commits_before = journal.commits
    # Hold the writer on its first batch so that the others queue up behind it, as in a burst.
    first_write = threading.Event()
    release = threading.Event()
    write = journal._write

    def held_write(batch: list) -> None:  # type: ignore[type-arg]
        first_write.set()
        release.wait(5)
        write(batch)

    journal._write = held_write  # type: ignore[method-assign]
    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [
            pool.submit(journal.append, "apply_note", f'{{"n": {n}}}', NOW + timedelta(seconds=n), HOLD)
            for n in range(CALLERS)
        ]
        assert first_write.wait(5)
        release.set()
        rows = [future.result() for future in futures]
    journal.close()

    assert [row.payload for row in rows] == [f'{{"n": {n}}}' for n in range(CALLERS)]
    assert [row.due_at for row in rows] == [NOW + timedelta(seconds=n) for n in range(CALLERS)]
    assert len({row.id for row in rows}) == CALLERS
    assert journal.commits - commits_before < CALLERS / 4, "rows waiting together share a commit"
    with engine.connect() as db:
        stored = db.execute(select(reminders.c.payload).where(reminders.c.kind == "apply_note")).scalars()
        assert len(list(stored)) == CALLERS + 1


def test_a_stream_of_rows_is_gathered_into_few_commits(engine: Engine) -> None:
    journal = BatchingJournal(engine, gather_seconds=0.2)
    journal.append("apply_note", "{}", NOW, HOLD)  # the writer is up, and has just written
    commits_before = journal.commits
    rows = 12
    with ThreadPoolExecutor(rows) as pool:
        futures = []
        for n in range(rows):  # one row every 5 ms: each alone would be written before the next came
            futures.append(pool.submit(journal.append, "apply_note", f'{{"n": {n}}}', NOW, HOLD))
            time.sleep(0.005)
        written = [future.result() for future in futures]
    journal.close()
    assert [row.payload for row in written] == [f'{{"n": {n}}}' for n in range(rows)]
    assert journal.commits - commits_before <= 3


def test_a_row_after_a_quiet_spell_is_written_without_gathering(engine: Engine) -> None:
    journal = BatchingJournal(engine, gather_seconds=1.0)
    journal.append("apply_note", "{}", NOW, HOLD)
    time.sleep(1.1)  # quiet for longer than the gather time
    started = time.monotonic()
    journal.append("apply_note", "{}", NOW, HOLD)
    waited = time.monotonic() - started
    journal.close()
    assert waited < 0.9, f"a lone row waited {waited:.2f} s, as if gathering"


def test_a_failed_write_fails_its_callers_and_the_journal_carries_on(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    with pytest.raises(IntegrityError):  # the database's own error reaches the caller
        journal.append(None, "{}", NOW, HOLD)  # type: ignore[arg-type]  # kind is NOT NULL
    row = journal.append("apply_note", "{}", NOW, HOLD)
    journal.close()
    assert row.id > 0
    with pytest.raises(RuntimeError, match="closed"):
        journal.append("apply_note", "{}", NOW, HOLD)


def test_closing_the_journal_gives_its_connection_back(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    journal.append("apply_note", "{}", NOW, HOLD)
    assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    journal.close()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_after_a_quiet_spell_the_journal_checks_its_connection_first(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL connections can be cut from the server side")
    journal = BatchingJournal(engine, reuse_seconds=0)
    journal.append("apply_note", "{}", NOW, HOLD)
    _cut_other_connections(engine)
    assert journal.append("apply_note", "{}", NOW, HOLD).id > 0
    journal.close()


def test_a_connection_cut_mid_burst_fails_one_batch_and_the_next_reconnects(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL connections can be cut from the server side")
    journal = BatchingJournal(engine, reuse_seconds=3600)
    journal.append("apply_note", "{}", NOW, HOLD)
    _cut_other_connections(engine)
    with pytest.raises(OperationalError):
        journal.append("apply_note", "{}", NOW, HOLD)
    assert journal.append("apply_note", "{}", NOW, HOLD).id > 0
    journal.close()


def _cut_other_connections(engine: Engine) -> None:
    with engine.connect() as db:
        db.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
            )
        )
    engine.dispose()  # pooled connections were cut too


def test_a_delivery_sent_twice_in_one_batch_or_in_two_gets_one_row(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    journal.append("apply_note", "{}", NOW, HOLD)  # the writer is up
    first_write, release = threading.Event(), threading.Event()
    write = journal._write

    def held_write(batch: list) -> None:  # type: ignore[type-arg]
        first_write.set()
        release.wait(5)
        write(batch)

    journal._write = held_write  # type: ignore[method-assign]
    deliveries = [f"view:V{n % 10}:h" for n in range(CALLERS)]  # each form sent four times
    with ThreadPoolExecutor(CALLERS) as pool:
        futures = [
            pool.submit(journal.append_once, "apply_declare", f'{{"n": {n}}}', NOW, HOLD, delivery)
            for n, delivery in enumerate(deliveries)
        ]
        assert first_write.wait(5)
        release.set()
        rows = [future.result() for future in futures]
    again = journal.append_once("apply_declare", '{"n": "late"}', NOW, HOLD, "view:V3:h")
    fresh = journal.append_once("apply_declare", '{"n": "new"}', NOW, HOLD, "view:V99:h")
    journal.close()

    written = [row for row in rows if row is not None]
    assert len(written) == 10, "one row for each delivery, however often it came"
    assert again is None and fresh is not None
    with engine.connect() as db:
        kinds = db.execute(select(reminders.c.payload).where(reminders.c.kind == "apply_declare")).scalars()
        assert sorted(kinds) == sorted([row.payload for row in written] + ['{"n": "new"}'])
        claimed = db.execute(text("select count(*) from processed_events")).scalar_one()
        assert claimed == 11


def test_a_claim_alone_is_taken_once_and_shares_the_commit(engine: Engine) -> None:
    journal = BatchingJournal(engine)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: journal.claim("action:U1:1.2:snooze", NOW), range(8)))
    assert outcomes.count(True) == 1
    assert journal.claim("action:U1:1.3:snooze", NOW) is True
    journal.close()
    with engine.connect() as db:
        assert db.execute(text("select count(*) from processed_events")).scalar_one() == 2
