"""The checker measured on its labelled set: every rule, every audience, both splits."""

from __future__ import annotations

from collections import Counter

import pytest

from incidentbot.checker import RULES, Audience, Stage
from tests.checker.quality import (
    CASES_FILE,
    HELD_OUT,
    SPLITS,
    TUNING,
    UNSEEN,
    Case,
    Score,
    load_cases,
    score,
)

CASES = load_cases()

OVERALL_PRECISION_FLOOR = 0.92
OVERALL_RECALL_FLOOR = 0.85
BLAME_RECALL_FLOOR = 0.80
RULE_RECALL_FLOOR = 0.75
RULE_PRECISION_FLOOR = 0.75


def _split(name: str) -> list[Case]:
    return [case for case in CASES if case.split == name]


def test_the_set_is_large_balanced_and_covers_every_rule_and_audience() -> None:
    assert len(CASES) >= 300
    assert len({case.id for case in CASES}) == len(CASES)
    flagged = sum(1 for case in CASES if case.expected)
    assert 0.4 <= flagged / len(CASES) <= 0.6
    per_rule = Counter(rule for case in CASES for rule in case.expected)
    assert set(per_rule) == set(RULES)
    assert min(per_rule.values()) >= 10
    audiences = Counter(case.audience for case in CASES)
    assert set(audiences) == set(Audience)
    clean_by_audience = Counter(case.audience for case in CASES if not case.expected)
    assert set(clean_by_audience) == set(Audience)
    assert {case.split for case in CASES} == set(SPLITS)
    assert all(case.id % 4 == 0 for case in _split(HELD_OUT))
    assert len(_split(HELD_OUT)) >= 50
    assert len(_split(UNSEEN)) >= 40


def test_the_set_holds_resolved_customer_texts_without_a_stage() -> None:
    # The checker must tell a resolution from its text when no form says so.
    unlabelled = [
        case
        for case in CASES
        if case.audience is Audience.CUSTOMER and case.stage is None and not case.expected
    ]
    assert len(unlabelled) >= 5
    assert any(case.stage is Stage.RESOLVED for case in CASES)


UNSEEN_RECALL_FLOOR = 0.85
"""Text written after the rules. Blame recall here was 0.67 (8 of 12) until the blame shapes were
generalised by class (any failure participle with a person as agent, nobody on a team, fault
nouns owned by people, doing a job badly, providers named by role); the misses were read, so
this split now only guards against getting worse."""


def _assert_meets_the_floors(result: Score) -> None:
    assert result.overall.precision >= OVERALL_PRECISION_FLOOR
    assert result.overall.recall >= OVERALL_RECALL_FLOOR
    assert result.by_rule["personal-blame"].recall >= BLAME_RECALL_FLOOR
    for rule, tally in result.by_rule.items():
        assert tally.recall >= RULE_RECALL_FLOOR, rule
        assert tally.precision >= RULE_PRECISION_FLOOR, rule


@pytest.mark.parametrize("split", [TUNING, HELD_OUT])
def test_the_checker_meets_the_floors_on_each_split(split: str) -> None:
    _assert_meets_the_floors(score(_split(split)))


def test_on_unseen_text_the_checker_stays_precise_and_keeps_its_recall() -> None:
    result = score(_split(UNSEEN))
    assert result.overall.precision >= OVERALL_PRECISION_FLOOR
    assert result.overall.recall >= UNSEEN_RECALL_FLOOR


def test_the_floors_catch_a_checker_that_finds_nothing_or_everything() -> None:
    with pytest.raises(AssertionError):
        _assert_meets_the_floors(score(CASES, lambda case: frozenset()))
    with pytest.raises(AssertionError):
        _assert_meets_the_floors(score(CASES, lambda case: frozenset(RULES)))


BLIND_CASES = load_cases(CASES_FILE.with_name("cases_blind.jsonl"))
"""160 texts written by another author from the practice and the rules table alone, without
seeing the checker or its cases. Measured before any rule changed in their light: precision 0.98,
recall 0.87 (blame 0.87, third-party 0.46); the misses of third-party blame, hedged speculation
and fix times were then described by class (not quoted) for a round of generalisation."""


def test_on_texts_written_blind_the_checker_meets_the_floors() -> None:
    assert len(BLIND_CASES) == 160
    assert {case.split for case in BLIND_CASES} == {"blind"}
    _assert_meets_the_floors(score(BLIND_CASES))
