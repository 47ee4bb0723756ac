"""Technical terms in customer text: customers should read what they experience, not our stack."""

from __future__ import annotations

from functools import lru_cache

from incidentbot.checker.engine import FLAG_GROUP, PhraseRule
from incidentbot.checker.messages import JARGON_MESSAGE, JARGON_SUGGESTION
from incidentbot.checker.model import CUSTOMER_ONLY, CheckerConfig
from incidentbot.checker.patterns import alternation, any_of, whole

REGION = r"[a-z]{2}-[a-z]+-\d"
"""Cloud region identifiers: "us-east-1", "eu-west-2"."""


@lru_cache(maxsize=64)
def jargon(config: CheckerConfig) -> PhraseRule | None:
    allowed_words = {" ".join(term.lower().split()) for term in config.customer_phrases}
    terms = alternation(term for term in config.jargon if " ".join(term.lower().split()) not in allowed_words)
    if terms is None:
        return None
    term = rf"(?<!\w)(?P<{FLAG_GROUP}>{terms}(?:e?s)?|{REGION})(?!\w)"
    allowed = alternation(config.customer_phrases)
    # Allowed phrases come first in one alternation: where both start at the same position the
    # allowed phrase wins, and its match (without the flag group) swallows the jargon inside it.
    phrasings = (whole(allowed), term) if allowed else (term,)
    return PhraseRule(
        rule="jargon",
        audiences=CUSTOMER_ONLY,
        pattern=any_of(phrasings),
        message=JARGON_MESSAGE,
        suggestion=JARGON_SUGGESTION,
    )
