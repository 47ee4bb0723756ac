"""A declaration costs few transactions: each step of the channel's setup saves what it did once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from incidentbot.wiring import BACKGROUND_THREADS
from tests.e2e.helpers import declare, wait_until
from tests.support.harness import RunningBot

MAX_TRANSACTIONS = 6
"""After the ack (the journal's insert comes before it): 26 before the setup was chained as saved
steps, 14 before rows were written leased to the thread that sends them. Where they go: the
request's unit of work (its journal row and the setup's row were written leased to the caller, so
neither is claimed again); on PostgreSQL, the incident number's counter, committed on its own so
a burst of declarations does not queue on it (`store/sql.py`); the setup's first read; its two
saved steps (the channel; the summary, with the checklist DMs owed, leased to the setup); and the
mark of ready with the done marks of the DMs it sent. The checker reads the declared title and
impact as declared and reads nothing for a clean declaration; a summary edit is added when a
change raced the setup."""


def after_ack_work_done(running: RunningBot) -> None:
    """Wait until the work queued after the ack before this call has finished (the checker's part
    of a declaration runs after the setup): a barrier taken by every thread of the pool."""
    barrier = threading.Barrier(BACKGROUND_THREADS + 1, timeout=30)
    for _ in range(BACKGROUND_THREADS):
        running.bot.deps.background.submit(barrier.wait)
    barrier.wait()


@contextmanager
def counting_transactions(engine: Engine) -> Iterator[list[str]]:
    """Names of the bot's threads that began a transaction; the test's own reads are left out."""
    began: list[str] = []
    test_thread = threading.current_thread()

    def on_begin(_connection: object) -> None:
        if threading.current_thread() is not test_thread:
            began.append(threading.current_thread().name)

    event.listen(engine, "begin", on_begin)
    try:
        yield began
    finally:
        event.remove(engine, "begin", on_begin)


def test_a_declaration_with_two_roles_named_costs_few_transactions(running: RunningBot) -> None:
    with counting_transactions(running.bot.engine) as began:
        declare(running, comms="U002", scribe="U003")
        wait_until(lambda: len(running.slack.calls_to("chat.postMessage")) >= 4)
        running.settle()
        wait_until(lambda: running.incident().setup_state == "ready")
        after_ack_work_done(running)
    dms = [c for c in running.slack.calls_to("chat.postMessage") if c.args["channel"] in {"U002", "U003"}]
    assert len(dms) == 2, "each named role holder got a checklist"
    assert began.count("journal") == 1, "the request was journalled before the ack, once"
    after_ack = [thread for thread in began if thread != "journal"]
    assert len(after_ack) <= MAX_TRANSACTIONS, f"{len(after_ack)} transactions after the ack: {began}"
