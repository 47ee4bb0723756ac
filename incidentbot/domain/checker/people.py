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

from incidentbot.domain.checker.patterns import APOSTROPHE, LOWER, UPPER, alternation
from incidentbot.domain.checker.terms import NOT_PEOPLE

ROLES = (
    r"(?:[a-z][\w-]*\s+){0,2}"
    r"(?:engineer|developer|dev|on-?call(?:\s+engineer)?|operator|reviewer|author|intern"
    r"|contractor|admin|administrator|sre|dba|hire|employee|team\s+member|member\s+of\s+"
    r"(?:our\s+|the\s+)?staff|staff\s+member|manager|lead|tester|colleague|teammate"
    r"|incident\s+commander|folks|guys|people|person|agent|rep|analyst|sysadmin|captain"
    r"|maintainer|approver|responder|technician|coordinator)s?"
)
"""Roles held by people, with up to two words saying which: "the on-call", "a junior engineer",
"the weekend on-call", "the mobile devs"."""

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
