"""Building the checker's regular expressions, and the text they run over.

The patterns are kept linear so a megabyte of pasted log cannot stall the bot: a quantifier
nests only under a small fixed count ("up to five words", each a run of non-space characters and
then spaces, so the two never compete for a character), other gaps between words are bounded
character classes, and two whitespace quantifiers are never adjacent without a literal between
them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Draft:
    """The text as written, and a lowercased copy with the same length.

    Most phrasings are written in lowercase and matched against `folded`: the regex engine's
    literal fast paths only work case-sensitively, which makes a pass over a megabyte about
    twice as fast as re.IGNORECASE. Phrasings where capitals carry meaning (a person's name, an
    identifier like "S3") are matched against `original`. Equal lengths keep offsets shared.
    """

    original: str
    folded: str

    @classmethod
    def of(cls, text: str) -> Draft:
        folded = text.lower()
        # A handful of characters lowercase to two ("\u0130"); then fold ASCII letters only.
        if len(folded) != len(text):
            folded = text.translate(ASCII_LOWERCASE)
        return cls(original=text, folded=folded)


ASCII_LOWERCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


Trie: TypeAlias = dict[str, "Trie"]
END_OF_PHRASE = ""
PHRASE_GAP = r"[\s-]+"
"""A space inside a configured phrase also matches a line break or a hyphen ("load-balancer")."""


WORD_START_ANCHORS = (r"\b", r"(?<!\w)")


def any_of(phrasings: Iterable[str]) -> re.Pattern[str]:
    """One compiled union of a rule's phrasings: one pass over the text instead of one each.

    When every phrasing opens with the same word-start anchor, the anchor is tested once in
    front of the union: it fails at most positions of a text, and a failed test per phrasing
    at every position is most of what a pass costs.
    """
    phrasings = tuple(phrasings)
    for anchor in WORD_START_ANCHORS:
        if all(phrasing.startswith(anchor) for phrasing in phrasings):
            union = "|".join(f"(?:{phrasing.removeprefix(anchor)})" for phrasing in phrasings)
            return re.compile(f"{anchor}(?:{union})")
    return re.compile("|".join(f"(?:{phrasing})" for phrasing in phrasings))


def alternation(phrases: Iterable[str], *, fold: bool = True) -> str | None:
    """A regex (lowercase, for the folded text) matching any of `phrases`, built as a trie.

    A flat alternation of 70 terms retries every term at every word boundary; a trie checks one
    character at a time, so the cost per position stays flat however long the list grows.
    Optional branches are greedy, so the longest phrase wins ("read replica" over "replica").
    """
    trie: Trie = {}
    for phrase in phrases:
        words = (phrase.lower() if fold else phrase).split()
        if not words:
            continue
        node = trie
        for char in " ".join(words):
            node = node.setdefault(char, {})
        node[END_OF_PHRASE] = {}
    return trie_pattern(trie) or None


def trie_pattern(node: Trie) -> str:
    branches = [
        (PHRASE_GAP if char == " " else re.escape(char)) + trie_pattern(child)
        for char, child in sorted(node.items())
        if char != END_OF_PHRASE
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if END_OF_PHRASE in node else body


def whole(alternation: str) -> str:
    # \b misbehaves on terms that start or end with a symbol; look at the neighbours instead.
    return rf"(?<!\w)(?:{alternation})(?!\w)"


APOSTROPHE = "['\u2019]"
"""Straight or typographic apostrophe: status pages and Slack both produce the curly one."""

UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
