"""`python -m incidentbot drill check FILE…`: validate scenario files before a drill needs them.

Exit status: 0 when every file is a valid scenario, 1 when any is not (each problem is printed as
`file:line: field: problem`), 2 for usage errors.
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
    parser.add_argument("command", choices=["check"], help="check: validate scenario files")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a scenario file (TOML)")
    try:
        args = parser.parse_args(list(argv))
    except _UsageError as error:
        print(f"incidentbot drill: {error}", file=stderr)
        return EXIT_USAGE
    valid = True
    for path in args.files:
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
