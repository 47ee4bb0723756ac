"""incidentbot's command-line tools: `python -m incidentbot <command> …`.

Each command is a module with `run(argv, stdin, stdout, stderr) -> int`; adding one is a line in
COMMANDS. Modules are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name → (module, one-line description)
COMMANDS: dict[str, tuple[str, str]] = {
    "timeline": ("incidentbot.cli.timeline", "print an incident's timeline as Markdown or CSV"),
    "postmortem": ("incidentbot.cli.postmortem", "print an incident's blameless postmortem draft"),
    "lint": ("incidentbot.cli.lint", "check a text for blame, speculation, jargon and other anti-patterns"),
    "statuspage": ("incidentbot.cli.statuspage", "export the status page as static files"),
    "webhooks": ("incidentbot.cli.webhooks", "list outgoing webhook deliveries, or send one again"),
    "drill": ("incidentbot.cli.drill", "check drill scenario files; print a drill's scorecard as Markdown"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="incidentbot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="<command>")
    for name, (_, description) in COMMANDS.items():
        commands.add_parser(name, help=description, add_help=False)
    known, rest = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if known.command is None:
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[known.command][0])
    code: int = module.run(rest, sys.stdin, sys.stdout, sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
