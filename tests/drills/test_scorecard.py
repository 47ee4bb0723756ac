"""The scorecard counts what the team did, in scenario time, and compares with earlier runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from incidentbot.cli.drill import run
from tests.drills.helpers import advance, reply, start_drill
from tests.e2e.helpers import wait_until
from tests.e2e.update_helpers import submit_update
from tests.e2e.wrapup_helpers import posted
from tests.support.harness import RunningBot


def _updates(running: RunningBot, incident_id: int) -> int:
    with running.services.store.transaction() as tx:
        return len(tx.updates(incident_id))


def _run_once(running: RunningBot, number: int, *, update_after: float) -> str:
    incident = start_drill(running, number)
    channel = incident.channel_id
    advance(running, 0)  # inject 1, due at once
    advance(running, update_after)
    response = submit_update(running, incident, theory="A schema change holds a lock on orders")
    assert response.status == 200 and not response.body, response.body
    wait_until(lambda: _updates(running, incident.id))
    advance(running, 4 - update_after)  # inject 2, due at 4 min / 60 = 4 s
    advance(running, 1)  # a note 1 s (a minute of scenario time) after it
    reply(running, "note The schema change holds an exclusive lock", channel, "timeline", user="U001")
    reply(running, "drill end", channel, "The drill has ended")
    return str(posted(running, channel, "Drill scorecard").args["text"])


def test_the_scorecard_counts_the_first_update_and_each_artifact(running: RunningBot) -> None:
    card = _run_once(running, 1, update_after=2)
    assert "*First update:* after 2 min — within the 15-minute rule" in card
    assert (
        "Inject 1: a role filled (/incident role) from the Communications lead within 4 min — *done*" in card
    )
    assert "Inject 1: an internal update (/incident update) within 5 min — *done* after 2 min" in card
    assert (
        "Inject 2: a timeline entry (/incident note, or the timeline reaction) within 3 min"
        " — *done* after 1 min" in card
    )
    assert "Inject 4" not in card, "the drill ended before inject 4 arrived"
    assert "Earlier runs" not in card


def test_a_late_first_update_is_late_and_earlier_runs_are_compared(running: RunningBot) -> None:
    _run_once(running, 1, update_after=2)
    card = _run_once(running, 2, update_after=3.5)
    assert "*First update:* after 3 min — within the 15-minute rule" in card
    assert "*Earlier runs of this scenario:*" in card
    assert "first update after 2 min, 3 of 3 asked for done on time" in card


def test_drill_report_prints_the_scorecard_as_markdown(
    running: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INCIDENTBOT_CONFIG", "incidentbot.toml")
    monkeypatch.chdir(tmp_path)
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["report", "1"], io.StringIO(), stdout, stderr) == 1
    assert "#1 is not a drill that has ended" in stderr.getvalue()
    _run_once(running, 1, update_after=2)
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["report", "1"], io.StringIO(), stdout, stderr) == 0, stderr.getvalue()
    report = stdout.getvalue()
    assert report.startswith("# Drill scorecard: Checkout stops while a schema change runs")
    assert "| First update | after 2 min (within the 15-minute rule) |" in report
    assert (
        "| 2 | a timeline entry (/incident note, or the timeline reaction) | 3 min | done | 1 min |" in report
    )
    assert run(["report", "one"], io.StringIO(), io.StringIO(), io.StringIO()) == 2
