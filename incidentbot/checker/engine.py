"""The two kinds of rule: a phrase rule reports every match of its patterns; a commitment rule
reports once when none of its patterns occur (the text is missing something it owes the reader)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from incidentbot.checker.model import Audience, Finding
from incidentbot.checker.patterns import Draft

Suggest = Callable[[str], str | None]
"""A rewrite for the words a finding quotes; the rule's general suggestion when it has none."""


Keep = Callable[[str, "re.Match[str]"], bool]
"""A second look at a match, with the whole original text in hand; False drops it."""

FLAG_GROUP = "flag"
"""A pattern may mark the reported part with this named group. If the group did not take part in
a match, the match is a deliberate non-finding (an allowed phrase swallowed by the alternation)."""


def _always(_text: str, _match: re.Match[str]) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """Reports every match of its patterns, one finding per span.

    `pattern` holds the lowercase phrasings (matched against the folded text); `cased_pattern`
    the phrasings where capitalisation matters (matched against the original).
    """

    rule: str
    audiences: frozenset[Audience]
    pattern: re.Pattern[str]
    message: str
    suggestion: str
    cased_pattern: re.Pattern[str] | None = None
    keep: Keep = _always
    suggest: Suggest | None = None

    def applies(self, audience: Audience, in_progress: bool) -> bool:
        return audience in self.audiences

    def findings(self, draft: Draft) -> list[Finding]:
        matches = [
            *self.pattern.finditer(draft.folded),
            *(self.cased_pattern.finditer(draft.original) if self.cased_pattern else ()),
        ]
        spans = [
            span
            for match in matches
            if (span := reported_span(match)) is not None and self.keep(draft.original, match)
        ]
        return [self._finding(draft.original, *span) for span in without_overlaps(spans)]

    def _finding(self, text: str, start: int, end: int) -> Finding:
        return Finding(
            rule=self.rule,
            start=start,
            end=end,
            text=text[start:end],
            message=self.message,
            suggestion=(self.suggest and self.suggest(text[start:end])) or self.suggestion,
        )


@dataclass(frozen=True, slots=True)
class CommitmentRule:
    """Reports once, with the empty span (0, 0), when its pattern occurs nowhere in the text."""

    rule: str
    audiences: frozenset[Audience]
    pattern: re.Pattern[str]
    message: str
    suggestion: str
    only_in_progress: bool = True
    counts: Keep = _always
    """A second look at each occurrence, with the folded text in hand; False means it does not
    keep the commitment."""

    def applies(self, audience: Audience, in_progress: bool) -> bool:
        return audience in self.audiences and (in_progress or not self.only_in_progress)

    def findings(self, draft: Draft) -> list[Finding]:
        # Blank text has nothing to fix yet; an empty draft is not a broken promise.
        if not draft.original or draft.original.isspace() or self._kept(draft.folded):
            return []
        return [
            Finding(
                rule=self.rule,
                start=0,
                end=0,
                text="",
                message=self.message,
                suggestion=self.suggestion,
            )
        ]

    def _kept(self, folded: str) -> bool:
        return any(self.counts(folded, match) for match in self.pattern.finditer(folded))


Rule = PhraseRule | CommitmentRule


def reported_span(match: re.Match[str]) -> tuple[int, int] | None:
    if FLAG_GROUP in match.re.groupindex:
        start, end = match.span(FLAG_GROUP)
        return None if start < 0 else (start, end)
    start, end = match.span()
    # An empty match would be an invisible finding; a phrasing that can produce one is a bug.
    return None if start == end else (start, end)


def without_overlaps(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Two phrasings of one rule may catch the same words; report the widest span once."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept
