"""Export escaping: whatever people typed, a Markdown row stays one row and CSV reads back as typed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from incidentbot.incident.models import EventKind, Incident, Severity, Status, TimelineEvent
from incidentbot.rendering import Renderer
from incidentbot.rendering.formats import csv_field, markdown_escape
from incidentbot.timeline.render_exports import ExportRenderer

RENDERER = Renderer()
EXPORT = ExportRenderer(RENDERER)
INCIDENT = Incident(
    id=1,
    team_id="T1",
    number=4,
    title="Checkout | failing",
    severity=Severity.SEV1,
    status=Status.INVESTIGATING,
    impact="Users cannot check out",
    is_private=False,
    declared_by="U001",
    declared_at=datetime(2026, 1, 1, 10, 0, tzinfo=UTC),
)


def _event(n: int, text: str, **fields: object) -> TimelineEvent:
    base: dict[str, object] = {
        "id": n,
        "incident_id": 1,
        "occurred_at": datetime(2026, 1, 1, 10, 0, tzinfo=UTC) + timedelta(minutes=n),
        "kind": EventKind.NOTE,
        "text": text,
        "actor_id": "U001",
        "actor_name": "alice",
    }
    base.update(fields)
    return TimelineEvent.model_validate(base)


def test_markdown_table_rows() -> None:
    events = [
        _event(1, "Incident declared at SEV-1", kind=EventKind.DECLARED),
        _event(2, "Rolled back <!here>", kind=EventKind.MITIGATION, edited=True, permalink="https://x/p1"),
        _event(3, "Paged the database team", actor_id=None, actor_name=None, kind=EventKind.NAG),
        _event(4, "Edited the entry of 10:02 UTC", kind=EventKind.TIMELINE_CORRECTED),
    ]
    lines = EXPORT.timeline(INCIDENT, events).splitlines()
    assert lines[0] == "# Timeline of incident #4: Checkout \\| failing"
    assert lines[2:4] == ["| Time (UTC) | Actor | Event |", "|---|---|---|"]
    assert lines[4] == "| 2026-01-01 10:01 | alice | Incident declared at SEV-1 |"
    assert lines[5] == (
        "| 2026-01-01 10:02 | alice | "
        "Mitigation: Rolled back &lt;!here&gt; _(edited)_ ([message](https://x/p1)) |"
    )
    assert lines[6] == "| 2026-01-01 10:03 | incidentbot | Paged the database team |", "the bot acted"
    corrections = lines[lines.index("## Corrections") :]
    assert "| 2026-01-01 10:04 | alice | Edited the entry of 10:02 UTC |" in corrections
    assert not any("Edited the entry" in line for line in lines[: lines.index("## Corrections")])


def test_an_empty_timeline_says_so() -> None:
    assert "_No entries yet._" in EXPORT.timeline(INCIDENT, [])


@given(st.text())
def test_any_text_stays_inside_its_markdown_cell(text: str) -> None:
    cell = markdown_escape(text)
    assert "\n" not in cell
    assert "<" not in cell.replace("<br>", "")
    # Every pipe is escaped, and every backslash is half of an escape: no `\\|` can end the cell.
    unescaped = cell.replace("\\\\", "").replace("\\|", "")
    assert "|" not in unescaped


@given(st.text())
def test_any_text_reads_back_from_csv(text: str) -> None:
    field = csv_field(text)
    (row,) = list(csv.reader(io.StringIO(field + "\n")))
    expected = "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
    assert row == [expected]


def test_csv_neutralises_spreadsheet_formulas() -> None:
    assert csv_field('=HYPERLINK("x")') == '"\'=HYPERLINK(""x"")"'
    assert csv_field("plain") == '"plain"'


def test_export_of_ten_thousand_events_renders_each_once() -> None:
    events = [_event(n, f"step {n}") for n in range(10_000)]
    markdown = EXPORT.timeline(INCIDENT, events)
    assert sum(1 for line in markdown.splitlines() if line.startswith("| 2026")) == 10_000
    table = list(csv.reader(io.StringIO(EXPORT.timeline(INCIDENT, events, "csv"))))
    assert len(table) == 10_001
