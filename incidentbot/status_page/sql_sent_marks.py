"""Marking notices sent, one statement each on a connection held for a whole batch of mail.

A mail the server has taken but that is not marked sent yet is mailed again after a crash, so
the mark must reach the database as soon as the server answers: one autocommitted UPDATE, a
single round trip, with no connection checkout, ping, BEGIN or COMMIT of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine, update

from incidentbot.status_page.sql_subscriber_tables import status_page_deliveries, status_page_subscribers


class SentMarks:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def sent(self, delivery_id: int, subscriber_id: int, bounces: int, now: datetime) -> None:
        deliveries = status_page_deliveries
        self.db.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, deliveries.c.state == "pending")
            .values(state="sent", sent_at=now)
        )
        if bounces:
            # A mail was taken: the bounces counted so far were not the address's fault.
            subs = status_page_subscribers
            self.db.execute(update(subs).where(subs.c.id == subscriber_id).values(bounces=0))


@contextmanager
def sent_marks(store: object) -> Iterator[SentMarks]:
    engine = getattr(store, "engine", None)
    if not isinstance(engine, Engine):
        raise TypeError(f"marking notices sent needs a SQL store, not {type(store).__name__}")
    with engine.connect() as connection:
        yield SentMarks(connection.execution_options(isolation_level="AUTOCOMMIT"))
