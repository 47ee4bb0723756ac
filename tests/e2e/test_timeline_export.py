"""Exporting the timeline: `/incident timeline export` and `python -m incidentbot timeline`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidentbot.cli import timeline as timeline_cli
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import captured, entries, reaction, send, ts_at
from tests.support.harness import RunningBot

ROOT = Path(__file__).resolve().parents[2]


def _story(running: RunningBot) -> int:
    """Declare, change things, capture a message and a note: the timeline a real incident gets."""
    incident = declare(running, comms="U002")
    channel = incident.channel_id
    running.client.command("role scribe @carol", channel_id=channel)
    running.client.command("severity 2", channel_id=channel)
    running.client.command("status identified", channel_id=channel)
    ts = ts_at(11, 58)
    running.slack.add_message(channel, ts, user="U002", text="Gateway | config @carol\nrolled back")
    send(running, reaction(channel, ts))
    running.client.command("note <!here> error rate *normal*", channel_id=channel)
    wait_until(lambda: captured(running, incident.id, ts))
    wait_until(lambda: len(entries(running, incident.id)) == 6)
    return int(incident.id)


def _cli(args: list[str], database_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    out, err = io.StringIO(), io.StringIO()
    code = timeline_cli.run(args, io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


def test_automatic_events_carry_their_actor(running: RunningBot) -> None:
    incident_id = _story(running)
    found = {e.kind: e for e in entries(running, incident_id)}
    assert found["declared"].actor_id == "U001"
    assert found["severity_changed"].text == "Severity changed from SEV-1 to SEV-2"
    assert found["status_changed"].actor_id == "U001"
    role = found["role_assigned"]
    assert role.text == "Scribe: carol" and "<@" not in role.text, "a name, not a mention"
    assert role.actor_id == "U001"


def test_export_uploads_the_markdown_table_to_the_channel(running: RunningBot) -> None:
    _story(running)
    incident = running.incident()
    running.slack.clear_calls()
    running.client.command("timeline export", channel_id=incident.channel_id)
    done = running.slack.wait_for("files.completeUploadExternal")[0].args
    assert done["channel_id"] == incident.channel_id
    assert "Timeline of #1 *Checkout failing*: 6 entries" in done["initial_comment"]
    assert running.slack.last("files.getUploadURLExternal").args["filename"] == "incident-1-timeline.md"
    content = next(iter(running.slack.uploaded_files.values())).decode()
    lines = content.splitlines()
    assert lines[0] == "# Timeline of incident #1: Checkout failing"
    assert "| Time (UTC) | Actor | Event |" in lines
    assert "| 2026-01-01 12:00 | alice | Incident declared at SEV-1: Checkout failing |" in lines
    captured_row = next(line for line in lines if "Gateway" in line)
    assert captured_row.startswith("| 2026-01-01 11:58 | bob | Gateway \\| config @carol<br>rolled back (")
    assert "[message](https://example.slack.com/archives/" in captured_row
    note_row = next(line for line in lines if "error rate" in line)
    assert "&lt;!here&gt; error rate \\*normal\\*" in note_row
    assert "<!here>" not in content
    # Rows are in time order: the captured message (11:58) before the declaration (12:00).
    assert lines.index(captured_row) < next(i for i, line in enumerate(lines) if "Incident declared" in line)


def test_cli_prints_markdown_and_csv(
    running: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _story(running)
    code, out, err = _cli(["1"], database_url, monkeypatch)
    assert (code, err) == (0, "")
    assert out.splitlines()[2:4] == ["| Time (UTC) | Actor | Event |", "|---|---|---|"]
    assert len([line for line in out.splitlines() if line.startswith("| 2026")]) == 6

    code, out, err = _cli(["1", "--format", "csv", "--team", "T0001"], database_url, monkeypatch)
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["time_utc", "actor", "actor_id", "kind", "source", "event", "edited", "permalink"]
    assert len(table) == 7
    note = next(r for r in table if r[4] == "note")
    assert note[5] == "<!here> error rate *normal*", "CSV keeps the text as typed, quoted"
    captured = next(r for r in table if r[4] == "reaction")
    assert captured[5] == "Gateway | config @carol\nrolled back"
    assert captured[0] == "2026-01-01T11:58:00.000100+00:00"


def test_cli_bad_input(running: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    declare(running)
    code, out, err = _cli(["7"], database_url, monkeypatch)
    assert (code, out) == (1, "") and "no incident #7" in err
    code, _, err = _cli(["1", "--team", "T9999"], database_url, monkeypatch)
    assert code == 1 and "no incident #1 in team T9999" in err
    code, _, err = _cli(["one"], database_url, monkeypatch)
    assert code == 2 and "invalid int value" in err
    code, _, err = _cli(["1", "--format", "pdf"], database_url, monkeypatch)
    assert code == 2 and "invalid choice" in err


def test_python_m_incidentbot_timeline_runs_without_a_slack_token(
    running: RunningBot, database_url: str
) -> None:
    declare(running)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "incidentbot", "timeline", "1", "--format", "md"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| Time (UTC) | Actor | Event |" in done.stdout
    assert "Incident declared at SEV-1: Checkout failing" in done.stdout
    usage = subprocess.run(
        [sys.executable, "-m", "incidentbot"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert usage.returncode == 2 and "timeline" in usage.stderr


def test_exports_name_the_actors_of_automatic_events(
    running: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _story(running)
    code, out, _ = _cli(["1"], database_url, monkeypatch)
    assert code == 0
    cells = [line.removesuffix(" |").split(" | ") for line in out.splitlines() if line.startswith("| 2026")]
    rows = {event: actor for _, actor, event in cells}
    assert rows["Incident declared at SEV-1: Checkout failing"] == "alice"
    assert rows["Scribe: carol"] == "alice"
    assert rows["Severity changed from SEV-1 to SEV-2"] == "alice"
