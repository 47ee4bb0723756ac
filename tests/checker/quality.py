"""Scoring the communication checker against the labelled cases in `cases.jsonl`.

Each case is one text, the audience it is written for, its stage when the writer said it
(`null` when the checker must tell a resolution from the text itself), and the rules a careful
comms lead expects to fire. Three splits: `tuning`, the cases the rules were written against;
`held-out`, every fourth of the first set, never looked at while tuning, but written together
with the tuning cases; `unseen`, written after the rules and never tuned on, the fairest
estimate of how the checker does on a stranger's text.

A (case, rule) pair counts once: a rule that fires twice on one text is one true positive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from incidentbot.checker import RULES, Audience, Stage, check

CASES_FILE = Path(__file__).with_name("cases.jsonl")
HELD_OUT = "held-out"
TUNING = "tuning"
UNSEEN = "unseen"
SPLITS = (TUNING, HELD_OUT, UNSEEN)
OVERALL = "overall"


@dataclass(frozen=True)
class Case:
    id: int
    split: str
    audience: Audience
    stage: Stage | None
    expected: frozenset[str]
    text: str


@dataclass
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        owed = self.true_positives + self.false_negatives
        return self.true_positives / owed if owed else 1.0

    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives


@dataclass
class Score:
    overall: Tally = field(default_factory=Tally)
    by_rule: dict[str, Tally] = field(default_factory=lambda: {rule: Tally() for rule in RULES})
    by_audience: dict[str, Tally] = field(
        default_factory=lambda: {audience.value: Tally() for audience in Audience}
    )
    misses: list[tuple[Case, frozenset[str]]] = field(default_factory=list)


Checker = Callable[[Case], frozenset[str]]


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        cases.append(
            Case(
                id=raw["id"],
                split=raw["split"],
                audience=Audience(raw["audience"]),
                stage=None if raw["stage"] is None else Stage(raw["stage"]),
                expected=frozenset(raw["expected"]),
                text=raw["text"],
            )
        )
    return cases


def run_checker(case: Case) -> frozenset[str]:
    return frozenset(finding.rule for finding in check(case.text, case.audience, stage=case.stage))


def score(cases: Iterable[Case], checker: Checker = run_checker) -> Score:
    result = Score()
    for case in cases:
        found = checker(case)
        if found != case.expected:
            result.misses.append((case, found))
        for rule in found | case.expected:
            tallies = (result.overall, result.by_rule[rule], result.by_audience[case.audience.value])
            for tally in tallies:
                if rule in found and rule in case.expected:
                    tally.true_positives += 1
                elif rule in found:
                    tally.false_positives += 1
                else:
                    tally.false_negatives += 1
    return result


def table(scores: dict[str, Score]) -> str:
    """A Markdown table: one row per rule, audience and overall; precision/recall per split."""
    splits = list(scores)
    header = "| | " + " | ".join(f"{split} P | {split} R | n" for split in splits) + " |"
    lines = [header, "|---|" + "---:|---:|---:|" * len(splits)]

    def row(label: str, pick: Callable[[Score], Tally]) -> str:
        cells = []
        for split in splits:
            tally = pick(scores[split])
            cells.append(f"{tally.precision:.2f} | {tally.recall:.2f} | {tally.support}")
        return f"| {label} | " + " | ".join(cells) + " |"

    for rule in RULES:
        lines.append(row(rule, lambda s, rule=rule: s.by_rule[rule]))
    for audience in Audience:
        lines.append(row(f"*{audience.value} texts*", lambda s, a=audience: s.by_audience[a.value]))
    lines.append(row(f"**{OVERALL}**", lambda s: s.overall))
    return "\n".join(lines)
