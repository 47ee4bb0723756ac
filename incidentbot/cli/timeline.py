"""`python -m incidentbot timeline <number> [--format md|csv] [--team T…]`: print a timeline.

Reads DATABASE_URL like the bot does; needs no Slack token and changes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.config import ConfigError, load_settings
from incidentbot.incident.models import Incident, TimelineEvent
from incidentbot.rendering import Renderer
from incidentbot.store.db import make_engine
from incidentbot.store.sql import SqlStore
from incidentbot.timeline.render_exports import ExportRenderer

EXIT_USAGE = 2
EXIT_NOT_FOUND = 1


class _Parser(argparse.ArgumentParser):
    """Reports usage errors on the given stream instead of exiting the process."""

    def __init__(self, stderr: TextIO) -> None:
        super().__init__(prog="incidentbot timeline", description=__doc__.splitlines()[0])
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    parser = _Parser(stderr)
    parser.add_argument("number", type=int, help="the incident number, e.g. 42 for #42")
    parser.add_argument("--format", choices=("md", "csv"), default="md", help="Markdown table or CSV")
    parser.add_argument("--team", help="the Slack team id (T…), needed when several teams have this number")
    try:
        args = parser.parse_args(list(argv))
    except _UsageError as error:
        print(f"incidentbot timeline: {error}", file=stderr)
        return EXIT_USAGE
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"incidentbot timeline: {error}", file=stderr)
        return EXIT_USAGE
    engine = make_engine(settings.database_url)
    try:
        found = _load(SqlStore(engine), args.number, args.team)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"incidentbot timeline: cannot read incidents from {engine.url!r}: {reason}", file=stderr)
        return EXIT_USAGE
    finally:
        engine.dispose()
    if isinstance(found, str):
        print(f"incidentbot timeline: {found}", file=stderr)
        return EXIT_NOT_FOUND
    incident, events = found
    stdout.write(ExportRenderer(Renderer()).timeline(incident, events, args.format))
    return 0


def _load(store: SqlStore, number: int, team: str | None) -> tuple[Incident, list[TimelineEvent]] | str:
    """The incident and its timeline, or why not."""
    with store.transaction() as tx:
        teams = [team] if team else tx.teams_with_incident(number)
        if len(teams) > 1:
            return f"several teams have an incident #{number} ({', '.join(teams)}): pick one with --team"
        incident = tx.incident_by_number(teams[0], number) if teams else None
        if incident is None:
            return f"no incident #{number}" + (f" in team {team}" if team else "")
        return incident, tx.events(incident.id)
