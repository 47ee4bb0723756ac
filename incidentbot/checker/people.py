"""Who a phrase is about: a person or a group of people (a name, a role, a team), or a system.

Blame is a sentence whose subject or agent is a person and whose verb is a failure. These are
the noun phrases that can only be people. Names are the hard part: a capitalised word may be a
person ("Priya") or a thing at the start of a sentence ("Requests"). Names the bot knows (the
incident's members, the configured teams) are people with certainty; any other capitalised word
counts as a name only when it is not a known sentence opener, product or third party, and is
not an English plural ("Deploys", "Alerts"), while names like "Jonas" or "Lukas" still count.
"""

from __future__ import annotations

from collections.abc import Iterable

from incidentbot.checker.patterns import APOSTROPHE, LOWER, UPPER, alternation
from incidentbot.checker.terms import NOT_PEOPLE

PEOPLE_NOUNS = (
    r"engineer|developer|dev|on-?call(?:\s+engineer)?|reviewer|author|intern|contractor|sre|dba"
    r"|hire|employee|team\s+member|member\s+of\s+(?:our\s+|the\s+)?staff|staff\s+member"
    r"|tester|colleague|teammate|incident\s+commander|folks|guys|people|person|rep|analyst"
    r"|sysadmin|captain|maintainer|approver|responder|technician|coordinator"
)
"""Nouns that only ever name people, whatever words say which ("the mobile devs")."""
SHARED_NOUNS = r"operator|agent|manager|admin|administrator|lead"
"""Nouns that also name software ("the Kubernetes operator", "the certificate manager", "the
admin panel"): people when a word that only people take says which, or with no word at all."""
HUMAN_MODIFIERS = (
    r"release|incident|engineering|product|project|support|account|customer|duty|shift|on-?call"
    r"|program|delivery|change|sales|community|office|database|system|systems|site|ops|it"
    r"|security|network|team|tech|general|hiring|store|weekend|night|new|junior|senior|other"
    r"|first|platform|infra|backend|frontend|billing|data|qa|vendor|partner|finance|legal|hr"
)
AFTER_A_DETERMINER = (
    rf"(?:(?<![\w-]\s)|(?<=\bthe\s)|(?<=\ba\s)|(?<=\ban\s)|(?<=\bour\s)|(?<=\btheir\s)"
    rf"|(?<=\bthat\s)|(?<=\bthis\s)|(?<={APOSTROPHE}s\s))"
)
THING_AFTER = r"[\s-]+(?:panel|console|page|api|portal|ui|dashboard|time|times|role|rights|access)\b"
"""A role noun as the first word of a thing: "the admin panel failed", "the lead time missed"."""

ROLES = (
    rf"(?:(?:[a-z][\w-]*\s+){{0,2}}(?:{PEOPLE_NOUNS})s?"
    rf"|(?:(?:(?:{HUMAN_MODIFIERS})\s+){{1,2}}|{AFTER_A_DETERMINER})(?:{SHARED_NOUNS})s?)"
    rf"(?!{THING_AFTER})"
)
"""Roles held by people: "the on-call", "a junior engineer", "the weekend on-call", "the
release manager"."""

GROUPS = (
    r"(?:[a-z][\w-]*\s+){1,2}team|ops|devops|qa|support|leadership|engineering|management"
    r"|security|sales|marketing|finance|legal|product|infra(?:structure)?"
    r"|(?:night|day|weekend|morning|evening|late)\s+shift"
)
"""Groups of people named by what they do; "the platform team", "Ops", "QA"."""

QUALIFIER = (
    r"(?:\s+(?:on|of|in|from)\s+(?:our\s+|the\s+|that\s+|their\s+)?(?:duty|call|staff"
    r"|(?:[\w-]+\s+){0,2}(?:team|change|shift|rota)))?"
)
"""What may follow a role: "an engineer on our team", "the SRE on duty", "the author of the change"."""

DETERMINER = (
    rf"(?:(?:the|a|an|our|that|this|their|one\s+of\s+(?:the|our)|(?:the\s+)?[\w-]+{APOSTROPHE}s)\s+)?"
)
"""Before a role: an article, "one of our", or whose it is ("the vendor's engineer")."""

CERTAIN_PERSON = rf"(?:he|she|someone|somebody|whoever|{DETERMINER}(?:{ROLES}|{GROUPS}){QUALIFIER})"
"""Subjects (lowercase) that can only be people, whatever verb follows."""


def likely_name(excluded: Iterable[str]) -> str:
    """A capitalised word that plausibly names a person (cased text), plurals included: where
    the word is a subject, follow it with `SINGULAR`."""
    # A trie of the words, case kept: far smaller to compile than a flat alternation.
    stop = alternation({*NOT_PEOPLE, *(word for word in excluded if word.isalpha())}, fold=False)
    return rf"(?=[{UPPER}])(?!{stop}\b)[{UPPER}][{LOWER}]+(?<!ing)(?<!ion)(?<!ly)(?![\w-])"


SINGULAR = r"(?<![^aiou]s)"
"""After a name as a subject: a word ending in -s is a plural ("Requests", "Deploys") unless
the letter before is a, i, o or u ("Jonas", "Lukas"). A possessive or "Had Ines checked" is
personal whatever the word, so those shapes leave it out."""


def known_people(names: Iterable[str]) -> str | None:
    """The people and teams the bot knows by name, as a lowercase alternation."""
    return alternation(name for name in names if name.strip())
