"""`incidentbot postmortem <number>`: the draft on stdout, from the database alone."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from incidentbot.cli.postmortem import run
from tests.e2e.helpers import declare
from tests.e2e.wrapup_helpers import resolve
from tests.support.comms_rows import add_update
from tests.support.harness import RunningBot

ROOT = Path(__file__).resolve().parents[1]


def postmortem(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(argv, io.StringIO(), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    config = tmp_path / "team.toml"
    config.write_text('[policy.role_names]\ncommander = "Incident lead"\n', encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(config))
    return config


def test_prints_the_draft_of_a_resolved_incident(running: RunningBot, configured: Path) -> None:
    incident = declare(running, title="Search is slow")
    add_update(running.services.store, incident.id, running.clock.now() + timedelta(minutes=7))
    running.clock.advance(timedelta(minutes=30))
    resolve(running, incident, fix="Added an index")
    code, stdout, stderr = postmortem([str(incident.number)])
    assert (code, stderr) == (0, "")
    assert stdout.startswith("# Postmortem: incident \\#1, Search is slow\n")
    assert "| Incident lead | U001 |" in stdout
    assert "How it was mitigated: Added an index." in stdout
    assert "| Time to first update | 7 min |" in stdout
    assert code == postmortem([str(incident.number), "--team", "T0001"])[0]


def test_unknown_incidents_and_bad_arguments(running: RunningBot, configured: Path) -> None:
    declare(running)
    code, stdout, stderr = postmortem(["7"])
    assert (code, stdout) == (1, "")
    assert "there is no incident #7" in stderr
    code, _, stderr = postmortem(["1", "--team", "T0404"])
    assert code == 1 and "#1 in workspace T0404" in stderr
    for argv in ([], ["one"], ["1", "2"]):
        code, stdout, stderr = postmortem(argv)
        assert code == 2 and stdout == "" and stderr.startswith("usage: incidentbot postmortem")


def test_a_broken_config_file_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "team.toml"
    broken.write_text("policy = [", encoding="utf-8")
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(broken))
    code, _, stderr = postmortem(["1"])
    assert code == 2 and "is not valid TOML" in stderr and stderr.count("\n") == 1


def test_runs_as_a_process(running: RunningBot, configured: Path) -> None:
    incident = declare(running)
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from incidentbot.__main__ import main; "
            "sys.exit(main(['postmortem', *sys.argv[1:]]))",
            str(incident.number),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "## Communication record" in completed.stdout
