from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from incidentbot.wrap_up.action_item_rules import (
    ActionInputError,
    ActionItem,
    ActionState,
    Priority,
    SmartGap,
    next_reminder,
    overdue_from,
    parse_action,
)

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Add a lock timeout", ("Add a lock timeout", None, None, Priority.P2)),
        (
            "Add a lock timeout <@U002|bob> due:2026-02-01 P1",
            ("Add a lock timeout", "U002", date(2026, 2, 1), Priority.P1),
        ),
        (
            "p3 <@W123> Page on checkout errors in 7d",
            ("Page on checkout errors", "W123", date(2026, 1, 8), Priority.P3),
        ),
        ("Write the runbook in 2 weeks", ("Write the runbook", None, date(2026, 1, 15), Priority.P2)),
        ("Audit alerts due:10d", ("Audit alerts", None, date(2026, 1, 11), Priority.P2)),
        ("Audit alerts due:+2w", ("Audit alerts", None, date(2026, 1, 15), Priority.P2)),
        ("Audit alerts DUE:today", ("Audit alerts", None, TODAY, Priority.P2)),
        ("Audit alerts due:tomorrow", ("Audit alerts", None, date(2026, 1, 2), Priority.P2)),
        ("Fix retries in 3 services", ("Fix retries in 3 services", None, None, Priority.P2)),
        ("Move P10 dashboards within 7 days", ("Move P10 dashboards within 7 days", None, None, Priority.P2)),
    ],
)
def test_parse_action(text: str, expected: tuple[object, ...]) -> None:
    draft = parse_action(text, TODAY)
    assert (draft.text, draft.owner_id, draft.due_on, draft.priority) == expected


@pytest.mark.parametrize(
    ("text", "problem", "detail"),
    [
        ("", "text_empty", ""),
        ("<@U002> due:2026-02-01 P1", "text_empty", ""),
        ("x" * 301, "text_too_long", ""),
        ("Fix it <@U002> <@U003>", "several_owners", ""),
        ("Fix it <!subteam^S123|@sre>", "owner_is_team", ""),
        ("Fix it due:2025-12-31", "due_in_past", "2025-12-31"),
        ("Fix it due:next-friday", "due_unparseable", "next-friday"),
        ("Fix it due:2026-02-30", "due_unparseable", "2026-02-30"),
        ("Fix it due:", "due_unparseable", ""),
        ("Fix it due:2026-02-01 in 7d", "several_due_dates", ""),
        ("Fix it P4", "priority_unknown", "P4"),
        ("Fix it P1 P2", "several_priorities", ""),
    ],
)
def test_parse_action_refuses_what_it_cannot_take_at_face_value(text: str, problem: str, detail: str) -> None:
    with pytest.raises(ActionInputError) as raised:
        parse_action(text, TODAY)
    assert (raised.value.problem, raised.value.detail) == (problem, detail)


def _item(**fields: object) -> ActionItem:
    base: dict[str, object] = {
        "id": 1,
        "incident_id": 1,
        "text": "Add a lock timeout",
        "created_by": "U001",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    return ActionItem.model_validate({**base, **fields})


def test_smart_gaps_name_what_is_missing() -> None:
    assert _item().smart_gaps == [SmartGap.NO_OWNER, SmartGap.NO_DUE_DATE, SmartGap.NO_SUCCESS_METRIC]
    complete = _item(owner_id="U002", due_on=TODAY, success_metric="No lock held over 5 s")
    assert complete.smart_gaps == []


def test_overdue_only_while_open_and_after_the_due_day() -> None:
    item = _item(due_on=TODAY)
    assert not item.is_overdue(TODAY)
    assert item.is_overdue(TODAY + timedelta(days=1))
    assert not item.model_copy(update={"state": ActionState.DONE}).is_overdue(TODAY + timedelta(days=1))


def test_reminders_fall_at_the_end_of_the_due_day_then_daily() -> None:
    first = overdue_from(TODAY)
    assert first == datetime(2026, 1, 2, tzinfo=UTC)
    assert next_reminder(TODAY, datetime(2025, 12, 20, tzinfo=UTC)) == first
    assert next_reminder(TODAY, first) == first
    assert next_reminder(TODAY, first + timedelta(hours=3)) == first + timedelta(days=1)
    assert next_reminder(TODAY, first + timedelta(days=1)) == first + timedelta(days=1)
