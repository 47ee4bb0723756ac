"""Blaming a third party before it is confirmed: "our CDN vendor is down, out of our hands".

A provider is a configured name ("AWS", "Stripe"), one named generically ("our email provider",
"the payment processor", "a third-party service"), or a proper name nobody configured when the
text marks it as a provider ("our DNS partner Halvorn", "Quillmark, who host our servers") or
says the trouble is theirs ("waiting on them", "nothing on our side"). It is blamed when a
failure state follows it, with its own words in between when they are its possession ("Okta's
login service is having trouble"), when the failure is said to be at or with it ("an outage at
our identity provider"), or when the text deflects ("out of our hands"). A sentence that says
the provider confirmed the problem passes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from incidentbot.checker.engine import PhraseRule
from incidentbot.checker.messages import THIRD_PARTY_MESSAGE, THIRD_PARTY_SUGGESTION
from incidentbot.checker.model import DURING_RESPONSE, CheckerConfig
from incidentbot.checker.patterns import APOSTROPHE, LOWER, UPPER, alternation, any_of, whole

a = APOSTROPHE
SERVING = r"(?:host|provide|run|supplie|supply|power|send|handle|deliver|processe|process|store)s?"
"""What a provider does for us: "the company that *hosts* our images"."""
GENERIC_PROVIDER = (
    r"(?:our|the|a|an|their)\s+(?:[\w-]+\s+){0,2}?(?:provider|vendor|partner|processor|supplier"
    r"|carrier|courier|registrar|isp|host|hosting\s+company)s?\b"
    rf"|(?:the|a|an)\s+(?:company|firm|service)\s+(?:that|which|who)\s+{SERVING}\s+our\s+[\w-]+"
    r"|(?:a\s+)?third[\s-]party(?:\s+(?:service|provider|vendor|api|dependency)s?)?\b"
    r"(?:\s+(?:that\s+)?we\s+(?:rely|depend)\s+on\b)?"
)
STATE = (
    r"(?:down|offline|unstable|broken|failing|degraded|unavailable|unreachable|flaky"
    r"|having\s+(?:a\s+bad\s+day|(?:some\s+|major\s+|serious\s+)?(?:issues|problems|trouble"
    r"|difficulties|delays|errors)|an?\s+(?:outage|incident))"
    r"|experiencing\s+(?:(?:some|major|serious|significant)\s+)?(?:issues|problems|difficulties"
    r"|delays|errors|slowness|degradation|an?\s+(?:outage|incident))"
    r"|the\s+(?:cause|culprit|problem|issue)|to\s+blame|at\s+fault|responsible)\b"
)
BE = (
    r"(?:is|are|was|were|being|has\s+been|have\s+been|seems\s+to\s+be|appears\s+to\s+be"
    r"|keeps\s+being)"
    r"(?:\s+(?:currently|still|completely|again|also|now))?"
)
CAUSING = r"(?:is\s+causing|caused|causes|is\s+behind|is\s+why|broke|messed\s+up)\b"
FAILURE_NOUN = r"(?:outages?|fault|failure|downtime|incident|problems?|issues?|hiccups?|blips?|glitch(?:es)?)"
NOTHING_ON_OURS = r"\bnothing\s+(?:wrong\s+)?on\s+our\s+(?:side|end)\b(?!\s+(?:has\s+)?changed\b)"
""""Nothing on our side" puts it on someone else; "nothing on our side changed" is a fact."""
DEFLECTION = (
    r"\bout\s+of\s+our\s+hands\b|\bnothing\s+we\s+can\s+do\b|\bnot\s+on\s+our\s+(?:side|end)\b"
    rf"|\bon\s+their\s+(?:side|end)\b|{NOTHING_ON_OURS}"
    r"|\b(?:fix|fixes|fixed|fixing|sort|sorts|sorted)\s+their\s+(?:side|end)\b"
    r"|\btheir\s+problem,?\s+not\s+ours\b"
    r"|\bwaiting\s+(?:on|for)\s+them\s+to\s+(?:fix|sort|resolve|restore)\b"
)
CLAUSE_GOES_ON = (
    r"(?:is|was|has|had|that|who|which|and|but|so|earlier|today|yesterday|again|since|for|this"
    r"|in|on|at|[a-z]+ed)"
)
"""What may follow "a problem at our email provider" while it is still the provider's: another
noun would make it ours ("a problem with the payment processor integration"); a verb in the
past ("a blip at our email provider delayed resets") keeps it theirs."""
NOT_A_NAME = r"(?!(?:The|This|That|These|Those|It|We|Our|They|There|Nothing|Everything|Something)\b)"
NAME = rf"{NOT_A_NAME}[{UPPER}][{LOWER}]+(?:\s+[{UPPER}][{LOWER}]+)?"
"""A proper name the checker may never have heard of: "Zentrix", "Norhold Cloud"."""
SERVES_US = rf",\s+(?i:(?:who|which|that)\s+{SERVING}\s+our\b|{GENERIC_PROVIDER})[^,.;]{{0,40}},"
""""Quillmark, who host our servers, ...", "Halden Cloud, our hosting provider, ...": a name
that serves us is a provider."""
THEIR_PROBLEM = re.compile(
    r"\b(?:on|fix(?:es|ed|ing)?|sort(?:s|ed|ing)?)\s+their\s+(?:side|end)\b"
    rf"|\bwaiting\s+(?:on|for)\s+them\b(?!\s+to\s+(?!fix|sort|resolve|restore)\w)|{NOTHING_ON_OURS}"
    r"|\btheir\s+problem\b",
    re.IGNORECASE,
)
"""What makes a bare name a provider: the text says the trouble is theirs, not ours. Without it
"Checkout is down" names our own product."""
BARE_NAME = "bare"
CONFIRMED = re.compile(
    r"\b(?:has|have|had)\s+confirmed\b|\bconfirmed\s+(?:by|on|via|in|an?|the|that)\b"
    r"|\bis\s+confirmed\b|\bconfirmed\s+(?:the\s+)?(?:delay|outage|incident|problem)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?\n]")
SENTENCE_REACH = 300
"""How far either side of a match counts as "the same sentence"; bounded so a huge text without
full stops does not make every match rescan it."""


def _sentence_around(text: str, start: int, end: int) -> str:
    window_start = max(0, start - SENTENCE_REACH)
    window_end = min(len(text), end + SENTENCE_REACH)
    ends_before = [found.end() for found in SENTENCE_END.finditer(text, window_start, start)]
    sentence_start = ends_before[-1] if ends_before else window_start
    end_after = SENTENCE_END.search(text, end, window_end)
    sentence_end = end_after.start() if end_after else window_end
    return text[sentence_start:sentence_end]


def _not_confirmed(text: str, match: re.Match[str]) -> bool:
    if BARE_NAME in match.re.groupindex and match.group(BARE_NAME) and not THEIR_PROBLEM.search(text):
        return False
    return CONFIRMED.search(_sentence_around(text, *match.span())) is None


def _unknown_names() -> tuple[str, ...]:
    """Providers named by a proper name nobody configured, in cased text: after their role ("our
    hosting provider Kelderan is down"), with what they do for us ("Quillmark, who host our
    servers, is down"), or bare when the text says the trouble is theirs (see `THEIR_PROBLEM`)."""
    trouble = rf"(?i:(?:{a}s\s+(?:[\w-]+\s+){{1,4}}?|\s+){BE}\s+{STATE})"
    return (
        rf"\b(?i:{GENERIC_PROVIDER})\s+{NAME}(?:{SERVES_US})?{trouble}",
        rf"\b{NAME}{SERVES_US}{trouble}",
        rf"\b(?P<{BARE_NAME}>{NAME}){trouble}",
    )


@lru_cache(maxsize=64)
def third_party_blame(config: CheckerConfig) -> PhraseRule:
    named = alternation(config.third_parties)
    # Every phrasing opens with \b, so one test of it guards the whole union (see `any_of`).
    provider = f"(?:{whole(named)}|{GENERIC_PROVIDER})" if named else f"(?:{GENERIC_PROVIDER})"
    # Only an identifier may sit between a provider and its state ("AWS S3 is down",
    # "AWS us-east-1 is down"): "PayPal payments are down" describes our users' impact.
    identifier = r"\s+(?:[A-Z0-9][A-Z0-9-]{1,14}|[a-z]{2}-[a-z]+-\d+)\b"
    configured = (rf"\b(?i:{whole(named)})(?:{a}s)?{identifier}\s+(?i:{BE}\s+{STATE})",) if named else ()
    cased: tuple[str, ...] = (*configured, *_unknown_names())
    folded = (
        # One pass over the provider, then what follows it: a state ("is down"), the state of
        # its own part ("Okta's login service is having trouble"), a cause, a failure noun.
        rf"\b{provider}(?:(?:{a}s)?\s+{BE}\s+{STATE}"
        rf"|{a}s\s+(?:[\w-]+\s+){{1,4}}?{BE}\s+{STATE}"
        rf"|(?:{a}s)?\s+(?:[\w-]+\s+){{0,2}}?{CAUSING}"
        rf"|(?:{a}s)?\s+(?:{FAILURE_NOUN}|again)\b)",
        rf"\b{FAILURE_NOUN}\s+(?:at|with|from|on)\s+{provider}(?!\s+(?!{CLAUSE_GOES_ON}\b)[a-z]+\b)",
        rf"\b(?:caused\s+by|waiting\s+(?:for|on))\s+{provider}",
        rf"\bon\s+{provider}{a}s\s+(?:side|end)\b",
        DEFLECTION,
    )
    return PhraseRule(
        rule="third-party-blame",
        audiences=DURING_RESPONSE,
        pattern=any_of(folded),
        cased_pattern=any_of(cased),
        message=THIRD_PARTY_MESSAGE,
        suggestion=THIRD_PARTY_SUGGESTION,
        keep=_not_confirmed,
    )
