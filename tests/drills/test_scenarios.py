"""Scenario files: the shipped ones follow the recipe; a broken one is named by line and field."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from incidentbot.cli.drill import run
from incidentbot.config import ConfigError, load_team_config
from incidentbot.drills.catalogue import DrillsSection, load_catalogue, shipped_folder
from incidentbot.drills.scenario import Artifact, parse_duration
from incidentbot.drills.scenario_files import ScenarioError, load_scenario, parse_scenario
from incidentbot.incident.models import Role, Severity

GOOD = """\
name = "tiny"
title = "A tiny drill"
severity = 3
impact = "Nobody can export reports."
briefing = "You are the commander."

[[injects]]
at = "0s"
from = "PagerDuty"
text = "Exports fail."
requires = [{ artifact = "internal_update", within = "5m" }]

[[injects]]
at = "3m"
text = "The export queue is full."
requires = [
  { artifact = "timeline_entry", within = "2m" },
  { artifact = "reply", role = "comms", within = "90s" },
]
"""


def _with(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "team/tiny.toml")
    return caught.value


def test_a_good_file_becomes_a_scenario() -> None:
    scenario = parse_scenario(GOOD, "tiny.toml")
    assert scenario.severity is Severity.SEV3
    assert [inject.at for inject in scenario.injects] == [timedelta(0), timedelta(minutes=3)]
    assert scenario.injects[0].sender == "PagerDuty"
    assert scenario.injects[1].requires[1].artifact is Artifact.REPLY
    assert scenario.injects[1].requires[1].role is Role.COMMS
    assert scenario.injects[1].requires[1].within == timedelta(seconds=90)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("3m", 180), ("1m30s", 90), ("1h", 3600), (" 2m ", 120)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "3", "3 minutes", "m", "-3m", "3m3h"])
def test_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match='write it as "90s"'):
        parse_duration(text)


def test_a_bad_offset_names_its_line_and_field() -> None:
    error = _error(_with('at = "3m"', 'at = "three minutes"'))
    assert (error.line, error.field) == (14, "injects[2].at")
    assert str(error).startswith("team/tiny.toml:14: injects[2].at: 'three minutes' is not a duration")


def test_a_bad_requirement_inside_a_list_names_its_own_line() -> None:
    error = _error(_with('role = "comms", within = "90s"', 'role = "comms", within = "soon"'))
    assert (error.line, error.field) == (18, "injects[2].requires[2].within")


def test_an_unknown_artifact_lists_the_known_ones() -> None:
    error = _error(_with('artifact = "timeline_entry"', 'artifact = "status_post"'))
    assert (error.line, error.field) == (17, "injects[2].requires[1].artifact")
    assert "'internal_update'" in error.problem and "'role_filled'" in error.problem


def test_a_reply_without_a_role_says_to_add_one() -> None:
    error = _error(_with('role = "comms", ', ""))
    assert error.line == 18
    assert 'reply needs a role: add role = "…"' in error.problem


def test_a_misspelt_key_suggests_the_right_one() -> None:
    error = _error(_with('text = "The export', 'txt = "The export'))
    assert (error.line, error.field) == (15, "injects[2].txt")
    assert error.problem == "unknown key; did you mean text?"


def test_a_missing_field_is_named() -> None:
    error = _error(_with('impact = "Nobody can export reports."\n', ""))
    assert error.field == "impact"
    assert "missing" in error.problem


def test_a_bad_slug_names_the_first_line() -> None:
    error = _error(_with('name = "tiny"', 'name = "Tiny Drill!"'))
    assert (error.line, error.field) == (1, "name")


def test_a_bad_severity_says_what_to_write() -> None:
    error = _error(_with("severity = 3", "severity = 7"))
    assert (error.line, error.field) == (3, "severity")
    assert "write 1 to 4" in error.problem


def test_injects_out_of_order_point_at_the_later_one() -> None:
    error = _error(_with('at = "3m"', 'at = "0s"').replace('at = "0s"', 'at = "4m"', 1))
    assert (error.line, error.field) == (14, "injects[2].at")
    assert "before inject 1" in error.problem


def test_a_toml_syntax_error_names_its_line() -> None:
    error = _error(_with('title = "A tiny drill"', 'title = "A tiny drill'))
    assert error.line == 2
    assert "not valid TOML" in error.problem


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(GOOD.replace("tiny drill", "caf\xe9 drill").encode("latin-1"))
    with pytest.raises(ScenarioError, match="is not UTF-8"):
        load_scenario(path)


def test_the_shipped_scenarios_follow_the_recipe() -> None:
    catalogue = load_catalogue(DrillsSection())
    assert catalogue.problems == ()
    assert len(catalogue.names) == 3
    for scenario in catalogue.scenarios.values():
        last_due = max(
            inject.at + requirement.within for inject in scenario.injects for requirement in inject.requires
        )
        # 20 to 30 minutes, a new fact every 3 to 5 minutes, outputs asked for along the way.
        assert timedelta(minutes=20) <= max(last_due, scenario.length) <= timedelta(minutes=30)
        gaps = [b.at - a.at for a, b in zip(scenario.injects, scenario.injects[1:], strict=False)]
        assert all(timedelta(minutes=3) <= gap <= timedelta(minutes=5) for gap in gaps), scenario.name
        asked = {r.artifact for inject in scenario.injects for r in inject.requires}
        assert {Artifact.INTERNAL_UPDATE, Artifact.CUSTOMER_TEXT, Artifact.TIMELINE_ENTRY} <= asked
        assert Artifact.REPLY in asked


def test_a_team_folder_adds_and_replaces_scenarios(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(GOOD)
    (tmp_path / "checkout.toml").write_text(_with('name = "tiny"', 'name = "checkout-lock"'))
    (tmp_path / "broken.toml").write_text("name = ")
    catalogue = load_catalogue(DrillsSection(folder=str(tmp_path)))
    assert "tiny" in catalogue.names and len(catalogue.names) == 4
    lock = catalogue.get("checkout-lock")
    assert lock is not None and lock.title == "A tiny drill"
    assert [str(problem).split(":")[0] for problem in catalogue.problems] == [str(tmp_path / "broken.toml")]


def test_the_team_config_names_the_folder(tmp_path: Path) -> None:
    config = tmp_path / "incidentbot.toml"
    config.write_text('[drills]\nfolder = "drills"\n')
    assert load_team_config(config).drills.folder == "drills"
    config.write_text('[drills]\nfoldr = "drills"\n')
    with pytest.raises(ConfigError, match=re.escape("drills.foldr: unknown key; did you mean folder?")):
        load_team_config(config)


def _check(*files: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", *map(str, files)], io.StringIO(), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_drill_check_passes_the_shipped_scenarios() -> None:
    code, out, err = _check(*sorted(shipped_folder().glob("*.toml")))
    assert (code, err) == (0, "")
    assert "checkout-lock: 7 injects over 24m" in out


def test_drill_check_names_every_broken_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(GOOD)
    bad.write_text(_with('at = "3m"', 'at = "soon"'))
    code, out, err = _check(good, bad, tmp_path / "absent.toml")
    assert code == 1
    assert "good.toml: tiny: 2 injects over 3m" in out
    assert f"{bad}:14: injects[2].at: 'soon' is not a duration" in err
    assert f"{tmp_path / 'absent.toml'}: cannot be read" in err


def test_drill_check_runs_from_the_command_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(_with("severity = 3", "severity = 9"))
    result = subprocess.run(
        [sys.executable, "-m", "incidentbot", "drill", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"{bad}:3: severity:" in result.stderr


def test_drill_with_no_file_is_a_usage_error() -> None:
    stderr = io.StringIO()
    assert run(["check"], io.StringIO(), io.StringIO(), stderr) == 2
    assert "FILE" in stderr.getvalue()
