"""`incidentbot postmortem <number>`: print an incident's postmortem draft as Markdown.

Reads the database named by DATABASE_URL (and the team config for role names); needs no Slack,
so people appear by their Slack ids unless the timeline stored their names. Exit status: 0 with
the draft on stdout, 1 when the incident is not found or the database can't be read, 2 for
usage and configuration errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from incidentbot.clock import SystemClock
from incidentbot.config import ConfigError, load_settings, load_team_config
from incidentbot.incident.models import Incident
from incidentbot.rendering import Renderer
from incidentbot.store.db import make_engine, migrate
from incidentbot.store.sql import SqlStore
from incidentbot.wrap_up import postmortem
from incidentbot.wrap_up.render_postmortem import render_postmortem

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2


def _parser(renderer: Renderer) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incidentbot postmortem", description=renderer.label("cli_postmortem.description")
    )
    parser.add_argument("number", type=int, help=renderer.label("cli_postmortem.number_help"))
    parser.add_argument("--team", help=renderer.label("cli_postmortem.team_help"))
    return parser


def _parse(renderer: Renderer, argv: list[str], stdout: TextIO, stderr: TextIO) -> argparse.Namespace | int:
    with redirect_stdout(stdout), redirect_stderr(stderr):
        try:
            return _parser(renderer).parse_args(argv)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Entry point for `python -m incidentbot postmortem`; returns the process exit code."""
    renderer = Renderer()
    parsed = _parse(renderer, list(argv), stdout, stderr)
    if isinstance(parsed, int):
        return parsed
    try:
        settings = load_settings()
        team = load_team_config(settings.incidentbot_config)
    except ConfigError as error:
        stderr.write(f"incidentbot postmortem: {error}\n")
        return EXIT_USAGE
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        store = SqlStore(engine)
        found = _matching(store, parsed.number, parsed.team)
        if len(found) != 1:
            return _explain_missing(renderer, stderr, parsed.number, parsed.team, found)
        data = postmortem.gather(store, found[0].id, SystemClock().now())
    except SQLAlchemyError as error:
        stderr.write(renderer.label("cli_postmortem.unreachable", error=type(error).__name__) + "\n")
        return EXIT_NOT_FOUND
    finally:
        engine.dispose()
    stdout.write(render_postmortem(data, team.policy))
    return EXIT_OK


def _matching(store: SqlStore, number: int, team: str | None) -> list[Incident]:
    with store.transaction() as tx:
        found = tx.incidents_numbered(number)
    return [incident for incident in found if team is None or incident.team_id == team]


def _explain_missing(
    renderer: Renderer, stderr: TextIO, number: int, team: str | None, found: list[Incident]
) -> int:
    if found:
        teams = ", ".join(incident.team_id for incident in found)
        stderr.write(renderer.label("cli_postmortem.ambiguous", number=number, teams=teams) + "\n")
        return EXIT_USAGE
    where = renderer.label("cli_postmortem.in_team", team=team) if team else ""
    stderr.write(renderer.label("cli_postmortem.not_found", number=number, where=where) + "\n")
    return EXIT_NOT_FOUND
