"""Texts for the two audiences outside the incident channel, and the checker's findings on them.

Customers get a status text per stage; stakeholders get a business-terms summary; after the
resolution, leadership gets an executive summary. Each is kept with the incident, and the
customer texts in order are the incident's public history.
"""

from __future__ import annotations

import re
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
    message_ts: str | None = None


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
