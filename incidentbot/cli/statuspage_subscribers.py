"""`python -m incidentbot statuspage subscribers [remove ID|EMAIL]`: list or remove subscribers.

Reads DATABASE_URL like the bot does; needs no Slack token. Removing is for the operator
answering a request by other means than the unsubscribe link (a support ticket, a complaint).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.config import ConfigError, load_settings
from incidentbot.status_page.sql_subscribers import Subscriber, sql_of
from incidentbot.store.db import make_engine
from incidentbot.store.sql import SqlStore

EXIT_USAGE = 2
EXIT_FAILED = 1
USAGE = "usage: incidentbot statuspage subscribers [remove ID|EMAIL]"
COLUMNS = ("id", "kind", "address", "components", "state", "created", "confirmed")


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    args = list(argv)
    if args and not (len(args) == 2 and args[0] == "remove" and args[1].strip()):
        print(USAGE, file=stderr)
        return EXIT_USAGE
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"incidentbot statuspage: {error}", file=stderr)
        return EXIT_USAGE
    engine = make_engine(settings.database_url)
    try:
        with SqlStore(engine).transaction() as tx:
            subscribers = sql_of(tx)
            if not args:
                _print_all(subscribers.all(), stdout)
                return 0
            removed = subscribers.remove(args[1].strip())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"incidentbot statuspage: cannot read {engine.url!r}: {reason}", file=stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if not removed:
        print(f"incidentbot statuspage: no subscriber {args[1]!r}; list them to see ids", file=stderr)
        return EXIT_FAILED
    print(f"removed {removed} subscriber{'s' if removed > 1 else ''}", file=stdout)
    return 0


def _print_all(subscribers: list[Subscriber], stdout: TextIO) -> None:
    print("\t".join(COLUMNS), file=stdout)
    for s in subscribers:
        row = (
            str(s.id),
            s.channel.value,
            s.address,
            ",".join(s.components) if s.components is not None else "all",
            s.state.value,
            s.created_at.isoformat(timespec="seconds"),
            s.confirmed_at.isoformat(timespec="seconds") if s.confirmed_at else "-",
        )
        print("\t".join(row), file=stdout)
