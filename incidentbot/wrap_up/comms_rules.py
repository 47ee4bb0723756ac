"""Texts for the two audiences outside the incident channel, and the checker's findings on them.

Customers get a status text per stage; stakeholders get a business-terms summary; after the
resolution, leadership gets an executive summary. Each is kept with the incident, and the
customer texts in order are the incident's public history.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from incidentbot.incident.models import Status

COMMS_TEXT_MAX = 3000
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_NEXT_UPDATE_PROMISE = re.compile(r"\bnext update\b|\bupdate (?:you )?(?:again )?(?:by|at|before)\b", re.I)


class CommsAudience(StrEnum):
    CUSTOMER = "customer"
    STAKEHOLDER = "stakeholder"
    EXECUTIVE = "executive"

    @classmethod
    def parse(cls, text: str) -> CommsAudience | None:
        cleaned = text.strip().lower()
        aliases = {"customers": cls.CUSTOMER, "public": cls.CUSTOMER, "stakeholders": cls.STAKEHOLDER}
        aliases.update({"exec": cls.EXECUTIVE, "leadership": cls.EXECUTIVE})
        return next((a for a in cls if a.value == cleaned), None) or aliases.get(cleaned)


class StoredFinding(BaseModel):
    """One thing the communication checker pointed out, as kept with the text."""

    model_config = ConfigDict(frozen=True)

    rule: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str = ""


class DraftFinding(BaseModel):
    """A finding on a draft the checker sent back for review: its rule and the words it flagged."""

    model_config = ConfigDict(frozen=True)

    rule: str
    text: str = ""


MAX_DRAFT_FINDINGS = 12
"""Kept in the form between reviews (Slack keeps at most 3,000 characters of a form's metadata)."""
DRAFT_PHRASE_MAX = 40


def as_drafted(earlier: Sequence[DraftFinding], found: Sequence[StoredFinding]) -> tuple[DraftFinding, ...]:
    """The findings on every draft reviewed so far, each once, with those on the one just reviewed."""
    seen = dict.fromkeys(earlier)
    for finding in found:
        seen.setdefault(DraftFinding(rule=finding.rule, text=finding.text[:DRAFT_PHRASE_MAX]))
    return tuple(seen)[:MAX_DRAFT_FINDINGS]


def fixed_before_posting(drafted: Sequence[DraftFinding], posted: Sequence[StoredFinding]) -> int:
    """How many findings on the drafts the posted text no longer has, rule by rule."""
    left = Counter(finding.rule for finding in posted)
    fixed = 0
    for rule, count in Counter(finding.rule for finding in drafted).items():
        fixed += max(count - left[rule], 0)
    return fixed


class CommsText(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    incident_id: int
    audience: CommsAudience
    stage: Status
    text: str
    author_id: str
    created_at: datetime
    findings: tuple[StoredFinding, ...] = ()
    """The checker's findings on the text as posted."""
    draft_findings: tuple[DraftFinding, ...] = ()
    """Its findings on the drafts the form sent back for review before this was posted."""
    message_ts: str | None = None

    @property
    def fixed_before_posting(self) -> int:
        return fixed_before_posting(self.draft_findings, self.findings)


def comms_text_problem(text: str) -> str | None:
    if not text.strip():
        return "comms_text_empty"
    return "comms_text_too_long" if len(text) > COMMS_TEXT_MAX else None


def without_next_update_promise(text: str) -> str:
    """The text less the sentences (or `;` clauses) saying when the next update comes.

    A text that quotes another one states its own next-update time once; the quoted promise may
    be older and would contradict it.
    """
    kept = []
    for sentence in _SENTENCE_BREAK.split(text.strip()):
        clauses = [c for c in sentence.split(";") if not _NEXT_UPDATE_PROMISE.search(c)]
        remaining = ";".join(clauses).strip().rstrip(";,")
        if not remaining:
            continue
        kept.append(remaining if remaining[-1] in ".!?" else remaining + ".")
    return " ".join(kept)
