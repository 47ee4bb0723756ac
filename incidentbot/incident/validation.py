"""Rules for what people type; each returns the key of an explanation, or None when fine."""

from __future__ import annotations

TITLE_MAX = 80
IMPACT_MAX = 300


def title_problem(title: str) -> str | None:
    if not title:
        return "title_empty"
    if len(title) > TITLE_MAX:
        return "title_too_long"
    if not any(ch.isalnum() for ch in title):
        # Emoji and punctuation alone tell nobody what is broken.
        return "title_no_words"
    return None


def impact_problem(impact: str) -> str | None:
    if not impact:
        return "impact_empty"
    if len(impact) > IMPACT_MAX:
        return "impact_too_long"
    return None
