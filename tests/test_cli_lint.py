"""`incidentbot lint`: JSON findings on stdout, exit 1 with findings, 0 without, 2 on misuse."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

import pytest

from incidentbot.cli.lint import run

ROOT = Path(__file__).resolve().parents[1]
GOOD_UPDATE = (
    "We're investigating reports of failed logins affecting some users in Europe. Our team is "
    "working on it; the next update will be posted by 14:30 UTC."
)
FINDING_KEYS = ["rule", "start", "end", "text", "message", "suggestion"]


class BytesStdin(io.TextIOWrapper):
    """Like sys.stdin: text on top, the raw bytes underneath in `.buffer`."""

    def __init__(self, raw: bytes) -> None:
        super().__init__(io.BytesIO(raw), encoding="utf-8")


def lint(argv: list[str], stdin: TextIO | None = None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(argv, stdin or io.StringIO(""), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def report(stdout: str) -> dict[str, Any]:
    parsed = json.loads(stdout)
    assert isinstance(parsed, dict)
    return parsed


def test_a_clean_update_exits_0_with_no_findings() -> None:
    code, stdout, stderr = lint(["--audience", "customer", GOOD_UPDATE])
    assert code == 0
    assert report(stdout) == {"audience": "customer", "findings": []}
    assert stderr == ""


def test_findings_exit_1_and_carry_every_field() -> None:
    code, stdout, _ = lint(["--audience", "internal", "Should be fixed in 5 minutes!"])
    assert code == 1
    parsed = report(stdout)
    assert parsed["audience"] == "internal"
    [finding] = parsed["findings"]
    assert list(finding) == FINDING_KEYS
    assert finding["rule"] == "fix-time-promise"
    assert (finding["start"], finding["end"]) == (0, 28)
    assert finding["text"] == "Should be fixed in 5 minutes"
    assert finding["message"] and finding["suggestion"]


def test_output_is_indented_json() -> None:
    _, stdout, _ = lint(["--audience", "postmortem", "Bob recklessly pushed a config."])
    assert stdout.startswith('{\n  "audience": "postmortem",\n  "findings": [')


@pytest.mark.parametrize("argv_tail", [[], ["-"]], ids=["absent", "dash"])
def test_text_is_read_from_stdin_when_absent_or_dash(argv_tail: list[str]) -> None:
    code, stdout, _ = lint(
        ["--audience", "stakeholder", *argv_tail], io.StringIO("Sorry for any inconvenience.")
    )
    assert code == 1
    assert [f["rule"] for f in report(stdout)["findings"]] == ["performative-apology"]


def test_resolved_updates_owe_no_next_update() -> None:
    resolved = "The issue is resolved. We know this stopped many of you from paying; we're sorry."
    assert lint(["--audience", "customer", "--resolved", resolved])[0] == 0
    assert lint(["--audience", "customer", "--stage", "resolved", resolved])[0] == 0
    code, stdout, _ = lint(["--audience", "customer", "--stage", "in-progress", resolved])
    assert code == 1
    assert [f["rule"] for f in report(stdout)["findings"]] == ["missing-next-update"]


def test_without_a_stage_a_resolution_is_told_from_its_text() -> None:
    resolved = (
        "The issue affecting exports has been resolved as of 11:48 UTC. We're sorry that your "
        "reports were late this morning; a full report will follow."
    )
    still_going = "We are investigating reports of failed exports."
    assert lint(["--audience", "customer", resolved]) == (0, report_of([]), "")
    code, stdout, _ = lint(["--audience", "customer", still_going])
    assert code == 1
    assert [f["rule"] for f in report(stdout)["findings"]] == ["missing-next-update"]


def report_of(findings: list[dict[str, Any]]) -> str:
    return json.dumps({"audience": "customer", "findings": findings}, indent=2) + "\n"


def test_names_given_are_people_whatever_their_case() -> None:
    text = "dana ignored the disk alert on Friday."
    assert lint(["--audience", "postmortem", text])[0] == 0
    code, stdout, _ = lint(["--audience", "postmortem", "--names", "Bo, Dana", text])
    assert code == 1
    [finding] = report(stdout)["findings"]
    assert (finding["rule"], finding["text"]) == ("personal-blame", "dana ignored the disk alert on Friday")
    assert "The disk alert did not stand out enough" in finding["suggestion"]


def test_the_config_files_checker_table_adds_teams_providers_and_terms(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text(
        '[checker]\nteams = ["Falcon squad"]\nthird_parties = ["Acme Mail"]\n'
        'jargon = ["ledger shard"]\nallowed = ["CDN"]\n',
        encoding="utf-8",
    )
    text = (
        "Acme Mail is down and the ledger shard is full; our CDN is fine. Falcon squad forgot to "
        "renew it. Next update at 10:00 UTC."
    )
    code, stdout, _ = lint(["--audience", "customer", "--config", str(config), text])
    assert code == 1
    found = [(f["rule"], f["text"]) for f in report(stdout)["findings"]]
    assert found == [
        ("third-party-blame", "Acme Mail is down"),
        ("jargon", "ledger shard"),
        ("personal-blame", "Falcon squad forgot to renew it"),
    ]
    without = [(f["rule"], f["text"]) for f in report(lint(["--audience", "customer", text])[1])["findings"]]
    assert without == [("jargon", "shard"), ("jargon", "CDN")]


def test_an_unknown_key_in_the_checker_table_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text('[checker]\nteam = ["Falcon squad"]\n', encoding="utf-8")
    code, stdout, stderr = lint(["--audience", "customer", "--config", str(config), "Hello."])
    assert (code, stdout) == (2, "")
    assert "checker.team" in stderr


def test_linting_one_text_imports_no_slack_database_or_pydantic() -> None:
    program = (
        "import sys\n"
        "from incidentbot.__main__ import main\n"
        "main(['lint', '--audience', 'internal', 'Bob broke it.'])\n"
        "heavy = {'pydantic', 'slack_sdk', 'slack_bolt', 'sqlalchemy', 'jinja2'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_invalid_utf8_on_stdin_is_replaced_not_fatal() -> None:
    stdin = BytesStdin(b"\xff\xfeBob's PR broke it \x00\xc3")
    code, stdout, _ = lint(["--audience", "internal"], stdin)
    assert code == 1
    [finding] = report(stdout)["findings"]
    assert finding["text"] == "Bob's PR broke"
    assert finding["start"] == 2  # two replacement characters stand in for the two bad bytes


def test_a_byte_order_mark_does_not_shift_offsets() -> None:
    stdin = BytesStdin("\ufeffMaybe.".encode())
    _, stdout, _ = lint(["--audience", "stakeholder", "-"], stdin)
    assert report(stdout)["findings"][0]["start"] == 0


def test_undecodable_argument_bytes_do_not_crash() -> None:
    code, stdout, _ = lint(["--audience", "customer", "caf\udce9 \ud800 Next update 15:00."])
    assert code == 0
    assert report(stdout)["findings"] == []


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--audience", "everyone", "text"],
        ["--audience", "customer", "one", "two"],
        ["--resolved", "text"],
        ["--audience", "customer", "--loud", "text"],
    ],
    ids=["no-args", "bad-audience", "two-texts", "no-audience", "unknown-flag"],
)
def test_usage_errors_exit_2_with_argparse_message_on_stderr(argv: list[str]) -> None:
    code, stdout, stderr = lint(argv)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith("usage: incidentbot lint")


def test_help_goes_to_stdout_and_exits_0() -> None:
    code, stdout, stderr = lint(["--help"])
    assert code == 0
    assert "--audience {customer,internal,stakeholder,postmortem}" in stdout
    assert stderr == ""


def test_a_megabyte_piped_through_a_real_process() -> None:
    pasted = (GOOD_UPDATE + " AWS is having issues again, not our fault.\n") * 8_000
    junk = bytes(range(256)) * 200
    payload = (pasted.encode() + junk)[: 1_000_000 - 3] + b"\xff\xfe\x00"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from incidentbot.cli.lint import run; "
            "sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))",
            "--audience",
            "customer",
            "-",
        ],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr.decode(errors="replace")
    parsed = json.loads(completed.stdout)
    assert parsed["audience"] == "customer"
    rules = {finding["rule"] for finding in parsed["findings"]}
    assert rules == {"third-party-blame", "personal-blame"}
