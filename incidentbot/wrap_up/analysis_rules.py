"""The postmortem's analysis: contributing factors by category, 5 Whys, and what went well."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

MAX_WHYS = 7
ANALYSIS_TEXT_MAX = 1000


class AnalysisKind(StrEnum):
    FIVE_WHYS = "five_whys"
    FACTOR = "factor"
    WENT_WELL = "went_well"


class FactorCategory(StrEnum):
    """The fishbone's bones, in the order the postmortem lists them."""

    PROCESS = "process"
    TOOLING = "tooling"
    ENVIRONMENT = "environment"
    MONITORING = "monitoring"
    PEOPLE = "people"
    EXTERNAL = "external"

    @classmethod
    def parse(cls, text: str) -> FactorCategory | None:
        cleaned = text.strip().lower()
        return next((c for c in cls if c.value == cleaned), None)


class FiveWhys(BaseModel):
    model_config = ConfigDict(frozen=True)

    problem: str
    whys: tuple[str, ...]
    root_cause: str = ""


class AnalysisEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    incident_id: int
    kind: AnalysisKind
    category: FactorCategory | None = None
    content: dict[str, Any]
    author_id: str
    created_at: datetime

    @property
    def text(self) -> str:
        return str(self.content.get("text", ""))

    def five_whys(self) -> FiveWhys:
        return FiveWhys.model_validate(self.content)


def text_problem(text: str, *, empty: str) -> str | None:
    if not text:
        return empty
    return "analysis_too_long" if len(text) > ANALYSIS_TEXT_MAX else None


def five_whys_problems(problem: str, whys: Sequence[str], root_cause: str) -> dict[str, str]:
    """Field → problem key; the whys are checked as a group under "whys"."""
    found: dict[str, str] = {}
    if issue := text_problem(problem, empty="problem_empty"):
        found["problem"] = issue
    answered = [why for why in whys if why]
    if not answered:
        found["whys"] = "whys_empty"
    elif len(whys) > MAX_WHYS or any(len(why) > ANALYSIS_TEXT_MAX for why in answered):
        found["whys"] = "analysis_too_long"
    if len(root_cause) > ANALYSIS_TEXT_MAX:
        found["root_cause"] = "analysis_too_long"
    return found


def factors_by_category(entries: Sequence[AnalysisEntry]) -> dict[FactorCategory, list[AnalysisEntry]]:
    """Every category, in fishbone order, with its factors (possibly none)."""
    grouped: dict[FactorCategory, list[AnalysisEntry]] = {category: [] for category in FactorCategory}
    for entry in entries:
        if entry.kind is AnalysisKind.FACTOR and entry.category is not None:
            grouped[entry.category].append(entry)
    return grouped


def latest_five_whys(entries: Sequence[AnalysisEntry]) -> FiveWhys | None:
    """The newest 5 Whys wins: the modal is refilled with it, so each save is a revision."""
    chains = [e for e in entries if e.kind is AnalysisKind.FIVE_WHYS]
    return max(chains, key=lambda e: (e.created_at, e.id)).five_whys() if chains else None
