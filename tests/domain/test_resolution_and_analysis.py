from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.wrap_up.analysis_rules import (
    AnalysisEntry,
    AnalysisKind,
    FactorCategory,
    factors_by_category,
    five_whys_problems,
    latest_five_whys,
)
from incidentbot.wrap_up.comms_rules import CommsAudience, comms_text_problem
from incidentbot.wrap_up.resolution_rules import (
    customer_impact_problem,
    fix_problem,
    parse_users_affected,
    started_at_problem,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "number"), [("", None), (" 1200 ", 1200), ("1,200", 1200), ("12 000", 12000)]
)
def test_users_affected_reads_common_spellings(text: str, number: int | None) -> None:
    assert parse_users_affected(text) == number


@pytest.mark.parametrize("text", ["-3", "about 100", "1.5", "99999999999999", "1,20"])
def test_users_affected_refuses_the_rest(text: str) -> None:
    with pytest.raises(ValueError):
        parse_users_affected(text)


def test_resolution_fields_are_required_and_bounded() -> None:
    assert fix_problem("") == "fix_empty"
    assert fix_problem("x" * 2001) == "fix_too_long"
    assert fix_problem("Rolled back") is None
    assert customer_impact_problem("") == "customer_impact_empty"


def test_start_time_must_precede_the_declaration() -> None:
    now = T0 + timedelta(hours=1)
    assert started_at_problem(None, T0, now) is None
    assert started_at_problem(T0 - timedelta(minutes=5), T0, now) is None
    assert started_at_problem(T0 + timedelta(minutes=5), T0, now) == "started_after_declared"
    assert started_at_problem(now + timedelta(minutes=5), T0, now) == "started_in_future"


def test_comms_text_must_be_present_and_short() -> None:
    assert comms_text_problem("   ") == "comms_text_empty"
    assert comms_text_problem("x" * 10_240) == "comms_text_too_long"
    assert comms_text_problem("We're investigating.") is None
    assert CommsAudience.parse("Customers") is CommsAudience.CUSTOMER
    assert CommsAudience.parse("exec") is CommsAudience.EXECUTIVE
    assert CommsAudience.parse("everyone") is None


def test_five_whys_needs_a_problem_and_one_answer() -> None:
    assert five_whys_problems("", [""] * 7, "") == {"problem": "problem_empty", "whys": "whys_empty"}
    assert five_whys_problems("Checkout failed", ["", "Lock held"], "") == {}
    assert five_whys_problems("Checkout failed", ["x" * 1001], "y" * 1001) == {
        "whys": "analysis_too_long",
        "root_cause": "analysis_too_long",
    }


def _entry(entry_id: int, kind: AnalysisKind, content: dict[str, object], **extra: object) -> AnalysisEntry:
    return AnalysisEntry.model_validate(
        {
            "id": entry_id,
            "incident_id": 1,
            "kind": kind,
            "content": content,
            "author_id": "U001",
            "created_at": T0 + timedelta(minutes=entry_id),
            **extra,
        }
    )


def test_factors_are_grouped_in_fishbone_order_and_the_newest_five_whys_wins() -> None:
    entries = [
        _entry(1, AnalysisKind.FACTOR, {"text": "No lock timeout"}, category=FactorCategory.TOOLING),
        _entry(2, AnalysisKind.FIVE_WHYS, {"problem": "old", "whys": ["a"], "root_cause": ""}),
        _entry(3, AnalysisKind.FACTOR, {"text": "Runbook missing"}, category=FactorCategory.PROCESS),
        _entry(4, AnalysisKind.FIVE_WHYS, {"problem": "new", "whys": ["b", "c"], "root_cause": "d"}),
        _entry(5, AnalysisKind.WENT_WELL, {"text": "Fast alert"}),
    ]
    grouped = factors_by_category(entries)
    assert list(grouped) == list(FactorCategory)
    assert [e.text for e in grouped[FactorCategory.PROCESS]] == ["Runbook missing"]
    assert grouped[FactorCategory.EXTERNAL] == []
    chain = latest_five_whys(entries)
    assert chain is not None and (chain.problem, chain.whys) == ("new", ("b", "c"))
    assert latest_five_whys(entries[:1]) is None
