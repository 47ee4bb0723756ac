"""`incidentbot lint`: run the communication checker on a draft and print the findings as JSON.

Exit status: 0 when the draft is clean, 1 when there are findings, 2 for usage errors, so a
script (or a pre-publish hook) can gate on it.
"""

from __future__ import annotations

import argparse
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict
from typing import TextIO

from incidentbot.checker import DEFAULT_CONFIG, Audience, CheckerConfig, Stage, check

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
READ_STDIN = "-"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incidentbot lint",
        description="Check an incident update for phrases that cost the reader's trust.",
    )
    parser.add_argument(
        "--audience",
        required=True,
        choices=[audience.value for audience in Audience],
        help="who will read the text; each audience has its own rules",
    )
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument(
        "--stage",
        choices=[stage.value for stage in Stage],
        help="what the text is; without it the checker tells a resolution from the text",
    )
    stage.add_argument(
        "--resolved",
        action="store_const",
        const=Stage.RESOLVED.value,
        dest="stage",
        help="the same as --stage resolved: the text owes no next-update time",
    )
    parser.add_argument(
        "--names",
        action="append",
        default=[],
        metavar="NAME[,NAME...]",
        help="people and teams to treat as people (comma-separated; may be repeated)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a team config file whose [checker] table adds teams, third parties and terms",
    )
    parser.add_argument(
        "text",
        nargs="?",
        default=READ_STDIN,
        help="the text to check; omit it or pass '-' to read standard input",
    )
    return parser


def _parse(argv: list[str], stdout: TextIO, stderr: TextIO) -> argparse.Namespace | int:
    """Parsed arguments, or the exit code argparse chose (2 for errors, 0 after --help)."""
    # argparse prints to sys.stdout/sys.stderr and exits; keep both inside the given streams.
    with redirect_stdout(stdout), redirect_stderr(stderr):
        try:
            return _parser().parse_args(argv)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE


def _read_stdin(stdin: TextIO) -> str:
    """Read bytes when possible, so a pasted log with invalid UTF-8 is checked, not fatal."""
    buffer = getattr(stdin, "buffer", None)
    raw = buffer.read() if buffer is not None else None
    if isinstance(raw, bytes):
        return raw.decode("utf-8-sig", errors="replace")
    return stdin.read()


def _as_valid_text(argument: str) -> str:
    """Undecodable bytes in argv arrive as lone surrogates; show them as replacement marks,
    exactly as the same bytes read from standard input would be."""
    try:
        raw = argument.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from undecodable bytes
        raw = argument.encode("utf-8", errors="replace")
    return raw.decode("utf-8", errors="replace")


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


def _checker_config(parsed: argparse.Namespace) -> CheckerConfig | str:
    """The built-in lists, plus the config file's [checker] table and the names given; or what
    is wrong with the config file."""
    config = DEFAULT_CONFIG
    if parsed.config is not None:
        # Imported only here: the settings module pulls in pydantic, which one text does not need.
        from incidentbot.config import ConfigError, load_team_config  # noqa: PLC0415

        try:
            config = load_team_config(parsed.config).checker.checker_config()
        except ConfigError as error:
            return str(error)
    return config.extended(people=_names(parsed.names))


def run(argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Entry point for `python -m incidentbot lint`; returns the process exit code."""
    parsed = _parse(argv, stdout, stderr)
    if isinstance(parsed, int):
        return parsed
    config = _checker_config(parsed)
    if isinstance(config, str):
        stderr.write(f"incidentbot lint: {config}\n")
        return EXIT_USAGE
    text = _read_stdin(stdin) if parsed.text == READ_STDIN else _as_valid_text(parsed.text)
    audience = Audience(parsed.audience)
    stage = None if parsed.stage is None else Stage(parsed.stage)
    findings = check(text, audience, stage=stage, config=config)
    report = {
        "audience": audience.value,
        "findings": [asdict(finding) for finding in findings],
    }
    # ASCII-only output survives any terminal encoding; offsets still index the decoded text.
    stdout.write(json.dumps(report, indent=2) + "\n")
    return EXIT_FINDINGS if findings else EXIT_CLEAN
