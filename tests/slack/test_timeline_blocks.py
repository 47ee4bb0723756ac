from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.incident.models import EventKind, Incident, Severity, Status, TimelineEvent
from incidentbot.rendering import Renderer
from incidentbot.timeline.slack_blocks import PAGE_ENTRIES, Page, page_count, page_slice, timeline_page
from tests.support.fake_slack import MAX_MESSAGE_BLOCKS, blocks_problem

INCIDENT = Incident(
    id=1,
    team_id="T1",
    number=1,
    title="Checkout failing",
    severity=Severity.SEV1,
    status=Status.INVESTIGATING,
    impact="x",
    is_private=False,
    declared_by="U001",
    declared_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def _events(count: int, text: str = "step") -> list[TimelineEvent]:
    start = datetime(2026, 1, 1, 23, 0, tzinfo=UTC)
    return [
        TimelineEvent(
            id=n,
            incident_id=1,
            occurred_at=start + timedelta(minutes=n),
            kind=EventKind.NOTE,
            text=f"{text} {n}",
            actor_id="U001",
            actor_name="alice",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("total", [0, 1, PAGE_ENTRIES - 1, PAGE_ENTRIES, PAGE_ENTRIES + 1, 10_000])
def test_pages_cover_every_entry_once_and_the_last_is_full(total: int) -> None:
    events = _events(total)
    seen = [e.id for n in range(page_count(total)) for e in page_slice(events, n)[1]]
    assert seen == [e.id for e in events]
    last, shown = page_slice(events, None)
    assert last == page_count(total) - 1
    assert len(shown) == min(total, PAGE_ENTRIES)
    assert page_slice(events, 10**6)[0] == last and page_slice(events, -3)[0] == 0


@pytest.mark.parametrize("editable", [True, False])
def test_a_page_of_huge_entries_fits_one_message(editable: bool) -> None:
    events = _events(10_000, text="x" * 10_000 + " <!channel>")
    number, shown = page_slice(events, 5)
    page = Page(INCIDENT, shown, number, page_count(len(events)), len(events), editable, "pushpin")
    text, blocks = timeline_page(page, Renderer())
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    assert blocks_problem(blocks, MAX_MESSAGE_BLOCKS) is None
    assert "page 6 of 250" in text
    assert all("<!channel>" not in b["text"]["text"] for b in blocks if b["type"] == "section")
    assert bool([b for b in blocks if b.get("accessory")]) is editable
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["timeline_page:earlier", "timeline_page:later"]


def test_the_date_is_shown_when_it_changes() -> None:
    events = _events(120)  # a minute apart from 23:00: the second page runs 23:40 to 00:19
    number, shown = page_slice(events, 1)
    page = Page(INCIDENT, shown, number, page_count(120), 120, False, "pushpin")
    _, blocks = timeline_page(page, Renderer())
    lines = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    dated = [line for line in lines if "UTC*" in line and "2026-01-0" in line]
    assert len(dated) == 2, "the first entry, and the first one after midnight"


def test_an_empty_timeline_says_how_to_add_to_it() -> None:
    page = Page(INCIDENT, [], 0, 1, 0, True, "round_pushpin")
    _, blocks = timeline_page(page, Renderer())
    text = blocks[-1]["text"]["text"]
    assert ":round_pushpin:" in text and "/incident note &lt;text&gt;" in text
