"""A declaration costs few transactions: each step of the channel's setup saves what it did once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from tests.e2e.helpers import declare, wait_until
from tests.support.harness import RunningBot

MAX_TRANSACTIONS = 16
"""The journal's insert before the ack, and at most fifteen after it (26 after it before the setup
was chained as saved steps). Where they go: the request's lease and its unit of work, the setup's
lease, its first read and its two saved steps, the mark of ready, per checklist DM a lease (one for
both), a read and a done mark, and the checker's reading of the declared title and impact; a
summary edit is added when a change raced the setup."""


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
    dms = [c for c in running.slack.calls_to("chat.postMessage") if c.args["channel"] in {"U002", "U003"}]
    assert len(dms) == 2, "each named role holder got a checklist"
    assert len(began) <= MAX_TRANSACTIONS, f"{len(began)} transactions: {began}"
