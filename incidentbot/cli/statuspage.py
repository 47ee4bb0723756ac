"""`python -m incidentbot statuspage export DIR`: write the whole status page as static files.

Reads DATABASE_URL and the team config (INCIDENTBOT_CONFIG) like the bot does; needs no Slack
token and changes nothing but DIR.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.cli import statuspage_subscribers
from incidentbot.clock import SystemClock
from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.rendering import Renderer
from incidentbot.status_page.export import ExportError, check_target, write_site
from incidentbot.status_page.render_site import StatusPage
from incidentbot.store.db import make_engine
from incidentbot.store.sql import SqlStore

EXIT_USAGE = 2
EXIT_FAILED = 1


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def __init__(self, stderr: TextIO) -> None:
        super().__init__(prog="incidentbot statuspage", description=__doc__.splitlines()[0])
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    if list(argv[:1]) == ["subscribers"]:
        return statuspage_subscribers.run(argv[1:], stdout, stderr)
    parser = _Parser(stderr)
    parser.add_argument(
        "command", choices=["export"], help="export: write the site (HTML, JSON, feeds) to DIR"
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="made a link to the newest copy of the site")
    try:
        args = parser.parse_args(list(argv))
        settings = load_settings()
        team = load_team_config(settings.incidentbot_config)
    except (_UsageError, ConfigError) as error:
        print(f"incidentbot statuspage: {error}", file=stderr)
        return EXIT_USAGE
    if not team.status_page.enabled:
        print(
            "incidentbot statuspage: the team config lists no [[status_page.components]]; add them to "
            f"{settings.incidentbot_config} (see the README, The status page)",
            file=stderr,
        )
        return EXIT_USAGE
    try:
        check_target(args.dir)
    except ExportError as error:
        print(f"incidentbot statuspage: {error}", file=stderr)
        return EXIT_FAILED
    engine = make_engine(settings.database_url)
    page = StatusPage(team.status_page, SqlStore(engine), SystemClock(), Renderer())
    try:
        count = write_site(page.overview(), args.dir)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        hint = "; the bot creates its tables when it starts: start it once against this database"
        print(f"incidentbot statuspage: cannot read {engine.url!r}: {reason}{hint}", file=stderr)
        return EXIT_FAILED
    except (ExportError, OSError) as error:
        print(f"incidentbot statuspage: {error}", file=stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    print(f"wrote {count} files to {args.dir}", file=stdout)
    return 0
