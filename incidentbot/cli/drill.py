"""`python -m incidentbot drill check FILE…` validates scenario files before a drill needs them;
`python -m incidentbot drill report N` prints drill #N's scorecard as Markdown.

`check` exits 0 when every file is a valid scenario, 1 when any is not (each problem is printed
as `file:line: field: problem`), 2 for usage errors. `report` reads DATABASE_URL and the team
config like the bot does, and exits 1 when there is no ended drill numbered N.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from incidentbot.drills.scenario import format_duration
from incidentbot.drills.scenario_files import ScenarioError, load_scenario

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def __init__(self, stderr: TextIO) -> None:
        super().__init__(prog="incidentbot drill", description=__doc__.splitlines()[0])
        self._stderr = stderr

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(self._stderr)
        raise _UsageError(message)


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    parser = _Parser(stderr)
    parser.add_argument("command", choices=["check", "report"], help="check FILE…, or report N")
    parser.add_argument(
        "files", nargs="+", metavar="FILE|N", help="scenario files (TOML), or a drill's number"
    )
    try:
        args = parser.parse_args(list(argv))
        if args.command == "report" and (len(args.files) != 1 or not args.files[0].isdigit()):
            raise _UsageError("report takes one drill number, e.g. report 12")
    except _UsageError as error:
        print(f"incidentbot drill: {error}", file=stderr)
        return EXIT_USAGE
    if args.command == "report":
        # Imported only here: checking a file needs no database.
        from incidentbot.cli.drill_report import report  # noqa: PLC0415

        return report(int(args.files[0]), stdout, stderr)
    return _check([Path(name) for name in args.files], stdout, stderr)


def _check(paths: list[Path], stdout: TextIO, stderr: TextIO) -> int:
    valid = True
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(error, file=stderr)
            valid = False
            continue
        print(
            f"{path}: {scenario.name}: {len(scenario.injects)} injects over "
            f"{format_duration(scenario.length)}",
            file=stdout,
        )
    return EXIT_VALID if valid else EXIT_INVALID
