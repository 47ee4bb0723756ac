"""Markdown documents and plain-text drafts: what they escape, and the postmortem's sections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.checker import checking
from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import EventKind, Severity
from incidentbot.incident.policy import Policy
from incidentbot.kernel.context import Services
from incidentbot.kernel.ports import NewEvent
from incidentbot.rendering.markdown import markdown_escape, plain_renderer
from incidentbot.wiring import build_registry
from incidentbot.wrap_up import postmortem
from incidentbot.wrap_up.render_postmortem import render_postmortem
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.memory_messages import recording_messages
from tests.support.units import applied

SECTIONS = (
    "## Summary",
    "## Impact",
    "## Timeline",
    "## Contributing factors",
    "### Process",
    "### Tooling",
    "### Environment",
    "### Monitoring",
    "### People",
    "### External",
    "## Root cause analysis: 5 Whys",
    "## What went well",
    "## Action items",
    "## Follow-up",
    "## Communication record",
)


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("a | b", r"a \| b"),
        ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
        ("# not a heading", r"\# not a heading"),
        ("[link](http://x) <b>", r"\[link\](http://x) \<b\>"),
        ("two\nlines\r\n\n- item", "two lines - item"),
        ("back\\slash", "back\\\\slash"),
        (None, ""),
    ],
)
def test_markdown_escape_keeps_values_inert_and_on_one_line(value: object, escaped: str) -> None:
    assert markdown_escape(value) == escaped


def test_plain_drafts_are_not_escaped() -> None:
    renderer = plain_renderer()
    template = renderer.env.from_string("{{ text }}")
    assert template.render(text="Tom & Jerry <3 *really*") == "Tom & Jerry <3 *really*"


def _services() -> Services:
    return Services(
        store=MemoryStore(),
        workspace=(workspace := RecordingWorkspace()),
        messages=recording_messages(workspace),
        policy=Policy(),
        clock=ManualClock(),
        handlers=build_registry(),
    )


def _incident(services: Services) -> int:
    declared = declare.Declaration(
        team_id="T1",
        title="Login | broken",
        severity=Severity.SEV2,
        impact="Users in Europe cannot log in",
        declared_by="U001",
    )
    return applied(services, declare.DECLARE, declared).id


def test_a_postmortem_without_timeline_entries_still_has_every_section() -> None:
    services = _services()
    incident_id = _incident(services)
    store = services.store
    assert isinstance(store, MemoryStore)
    store.timeline.clear()
    document = render_postmortem(postmortem.gather_in_slack(services, incident_id), services.policy)
    positions = [document.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert "No timeline entries were recorded" in document
    assert "| Time to first update | no update was posted |" in document
    assert "Login \\| broken" in document
    assert checking.postmortem_findings(document) == []


def test_ten_thousand_timeline_entries_render_as_one_row_each() -> None:
    services = _services()
    incident_id = _incident(services)
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    with services.store.transaction() as tx:
        for n in range(10_000):
            tx.add_event(
                NewEvent(
                    incident_id=incident_id,
                    kind=EventKind.INVESTIGATION,
                    text=f"Checked shard {n} | latency\nnormal",
                    occurred_at=start + timedelta(seconds=n),
                    actor_id="U002",
                )
            )
    document = render_postmortem(postmortem.gather_in_slack(services, incident_id), services.policy)
    rows = [line for line in document.splitlines() if line.startswith("| 2026-01-01")]
    assert len(rows) == 10_001  # the declaration, then every entry
    assert rows[-1] == "| 2026-01-01 14:46 UTC | bob | Checked shard 9999 \\| latency normal |"
