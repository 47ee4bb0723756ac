"""The services' store port, implemented with SQLAlchemy Core on one connection per transaction.

`SqlTransaction` is the composition of one class per repository of the `Transaction` port, each in
its own module (`sql_incidents`, `sql_roster`, `sql_timeline`, `sql_updates`, `sql_wrap_up`,
`sql_queue`, `sql_deliveries`), all on the transaction's connection (`self.db`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError

from incidentbot.kernel.errors import Unstorable
from incidentbot.store.sql_deliveries import DeliveriesSql
from incidentbot.store.sql_incidents import IncidentsSql
from incidentbot.store.sql_queue import QueueSql
from incidentbot.store.sql_roster import RosterSql
from incidentbot.store.sql_timeline import TimelineSql
from incidentbot.store.sql_updates import UpdatesSql
from incidentbot.store.sql_wrap_up import WrapUpSql


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        try:
            with self.engine.begin() as connection:
                yield SqlTransaction(connection, self.engine)
        except DataError as error:
            # The database refuses the values themselves (a NUL, a value too long for its
            # column): the same values will be refused however often they are tried.
            raise Unstorable(str(error.orig)) from error


class SqlTransaction(IncidentsSql, RosterSql, TimelineSql, UpdatesSql, WrapUpSql, QueueSql, DeliveriesSql):
    def __init__(self, connection: Connection, engine: Engine) -> None:
        self.db = connection
        self._engine = engine
