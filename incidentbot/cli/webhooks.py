"""`python -m incidentbot webhooks log|redeliver`: the outgoing deliveries, and sending one again.

Reads DATABASE_URL and the team config (INCIDENTBOT_CONFIG) like the bot does; needs no Slack token.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.clock import SystemClock
from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.webhooks.dispatch import Dispatcher
from incidentbot.webhooks.ports import Delivery
from incidentbot.webhooks.sql_webhooks import deliveries_in

EXIT_USAGE = 2
EXIT_FAILED = 1
COLUMNS = ("ID", "TYPE", "ENDPOINT", "INCIDENT", "ATTEMPTS", "LAST", "STATE")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Reports a usage error to `run` instead of exiting; its subcommands' parsers too."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{message}\n{self.format_usage().rstrip()}")


def _parser() -> _Parser:
    parser = _Parser(prog="incidentbot webhooks", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="log|redeliver")
    log = commands.add_parser("log", help="the latest deliveries, newest first")
    log.add_argument("--failed", action="store_true", help="only those given up on or still failing")
    log.add_argument("--limit", type=_positive, default=50, metavar="N", help="at most N rows (50)")
    again = commands.add_parser("redeliver", help="send a delivery's event again, with the same id")
    again.add_argument("id", type=_positive, metavar="ID", help="a delivery's ID, from `webhooks log`")
    return parser


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above 0")
    return int(value)


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        args = _parser().parse_args(list(argv))
        settings = load_settings()
        team = load_team_config(settings.incidentbot_config)
    except (_UsageError, ConfigError) as error:
        print(f"incidentbot webhooks: {error}", file=stderr)
        return EXIT_USAGE
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        store = SqlStore(engine)
        dispatcher = Dispatcher(
            lambda: deliveries_in(store), team.webhooks, SystemClock(), worker=f"cli:{uuid.uuid4().hex}"
        )
        if args.command == "log":
            with deliveries_in(store) as deliveries:
                _print_log(deliveries.deliveries(failed_only=args.failed, limit=args.limit), stdout)
            return 0
        sent = dispatcher.redeliver(args.id)
    except SQLAlchemyError as error:
        print(f"incidentbot webhooks: the database at DATABASE_URL failed: {error}", file=stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if sent is None:
        print(f"incidentbot webhooks: no delivery {args.id}; `webhooks log` lists them", file=stderr)
        return EXIT_FAILED
    _print_log([sent], stdout)
    return 0 if sent.state == "delivered" else EXIT_FAILED


def _print_log(deliveries: Sequence[Delivery], out: TextIO) -> None:
    rows = [COLUMNS, *(_row(delivery) for delivery in deliveries)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out
        )


def _row(delivery: Delivery) -> tuple[str, ...]:
    last = str(delivery.last_status) if delivery.last_status is not None else (delivery.last_error or "-")
    return (
        str(delivery.id),
        delivery.event_type,
        delivery.endpoint,
        f"#{delivery.incident_number}" if delivery.incident_number is not None else "-",
        str(delivery.attempts),
        last[:40],
        delivery.state.value,
    )
