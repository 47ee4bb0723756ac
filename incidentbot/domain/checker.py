"""The communication checker: finds the phrases that cost an incident update the reader's trust.

Pure domain logic (standard library and pydantic only), so the Slack handlers, the CLI and the
templates all get the same answer to one question: what in this text should a comms lead rewrite?

Each rule is a single table entry (rule id, audiences, compiled patterns, message, suggestion).
Two kinds exist: a phrase rule reports every match of its patterns; a commitment rule reports once
when none of its patterns occur (the text is missing something it owes the reader).

The patterns are kept linear so a megabyte of pasted log cannot stall the bot: no nested
quantifiers, gaps between words are bounded character classes, and two whitespace quantifiers are
never adjacent without a literal between them.

Known ambiguities, and the side each rule errs on (a comms lead must be able to trust a clean
result *and* a finding, so rules prefer missing a rare phrasing over nagging about good text):

* "failed to" / "should have" are blame only when a person is the subject. The rule fires for
  unambiguous people ("he", "she", "someone", "the engineer", "the on-call engineer", ...) with
  any verb. A capitalised word or "they" may be a person ("Alice") or a thing ("Requests",
  "Checkout" at the start of a sentence), so those fire only when the next verb is something
  people do ("failed to test", "should have checked"); "Requests failed to complete" passes.
* "caused by <Capitalised>" treats the word as a person unless it is a calendar word, a common
  sentence opener, a well-known product or a configured third party.
* Past facts are not fix-time promises: "was resolved in 45 minutes" passes, "should be fixed in
  5 minutes" and "back up in 10 min" do not.
* A third party is not blamed when the same sentence says the provider confirmed it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeAlias

from pydantic import BaseModel, ConfigDict


class Audience(StrEnum):
    CUSTOMER = "customer"
    INTERNAL = "internal"
    STAKEHOLDER = "stakeholder"
    POSTMORTEM = "postmortem"


class Finding(BaseModel):
    """One problem in a text: where it is, what is wrong, and what to write instead."""

    model_config = ConfigDict(frozen=True)

    rule: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str


DEFAULT_JARGON: tuple[str, ...] = (
    "connection pool",
    "thread pool",
    "replica",
    "replication",
    "primary database",
    "database",
    "OOM",
    "out of memory",
    "memory leak",
    "heap",
    "garbage collection",
    "CPU",
    "5xx",
    "4xx",
    "500 error",
    "502 error",
    "503 error",
    "504 error",
    "HTTP 500",
    "HTTP 502",
    "HTTP 503",
    "HTTP 504",
    "latency",
    "p95",
    "p99",
    "throughput",
    "packet loss",
    "DNS",
    "BGP",
    "CDN",
    "TLS",
    "SSL",
    "deploy",
    "deployment",
    "redeploy",
    "rollback",
    "hotfix",
    "kubernetes",
    "k8s",
    "pod",
    "container",
    "cluster",
    "cache",
    "load balancer",
    "API gateway",
    "ingress",
    "failover",
    "shard",
    "sharding",
    "timeout",
    "deadlock",
    "race condition",
    "stack trace",
    "null pointer",
    "segfault",
    "unhandled exception",
    "message queue",
    "cron job",
    "feature flag",
    "microservice",
    "RPC",
    "gRPC",
    "Redis",
    "Postgres",
    "PostgreSQL",
    "MySQL",
    "Kafka",
    "Elasticsearch",
    "EC2",
    "S3",
    "RDS",
    "SLO",
)
"""Terms customers should not have to decode. Whole words, case-insensitive, plurals included."""

DEFAULT_CUSTOMER_PHRASES: tuple[str, ...] = (
    "browser cache",
    "clear your cache",
    "clearing your cache",
)
"""Phrases containing a jargon word that customers do know; they are never reported as jargon."""

DEFAULT_THIRD_PARTIES: tuple[str, ...] = (
    "AWS",
    "Amazon",
    "Amazon Web Services",
    "GCP",
    "Google",
    "Google Cloud",
    "Azure",
    "Microsoft",
    "Cloudflare",
    "Fastly",
    "Akamai",
    "Stripe",
    "PayPal",
    "Adyen",
    "Twilio",
    "SendGrid",
    "Mailgun",
    "Okta",
    "GitHub",
    "Heroku",
    "Vercel",
    "Netlify",
    "DigitalOcean",
    "Datadog",
    "our cloud provider",
    "our hosting provider",
    "our provider",
    "our vendor",
    "our partner",
    "a third party",
    "a third-party provider",
    "upstream provider",
    "an upstream provider",
)
"""Names a writer is tempted to blame; mentioning them neutrally ("we host on AWS") is fine."""


class CheckerConfig(BaseModel):
    """What a team may tune. Frozen and hashable, so compiled rules are cached per config."""

    model_config = ConfigDict(frozen=True)

    jargon: tuple[str, ...] = DEFAULT_JARGON
    third_parties: tuple[str, ...] = DEFAULT_THIRD_PARTIES
    customer_phrases: tuple[str, ...] = DEFAULT_CUSTOMER_PHRASES


DEFAULT_CONFIG = CheckerConfig()

ALL_AUDIENCES = frozenset(Audience)
OUTWARD = frozenset({Audience.CUSTOMER, Audience.STAKEHOLDER})
"""Readers outside the response team, who need facts rather than the team's working guesses."""
DURING_RESPONSE = frozenset({Audience.CUSTOMER, Audience.STAKEHOLDER, Audience.INTERNAL})
CUSTOMER_ONLY = frozenset({Audience.CUSTOMER})


# --- messages and suggestions: data, one sentence each ------------------------------------------

PERSONAL_BLAME_MESSAGE = (
    "This points at a person as the cause, which teaches people to hide mistakes instead of surfacing them."
)
PERSONAL_BLAME_SUGGESTION = (
    "Describe the gap in the system that let it happen, e.g. 'the release checklist had no step "
    "for testing config changes'."
)
SPECULATION_MESSAGE = (
    "This guesses at the cause before it is confirmed, and a wrong guess costs more trust than "
    "saying you are still investigating."
)
SPECULATION_SUGGESTION = (
    "State only what is confirmed, e.g. 'We are still investigating the cause and will share it "
    "once we have confirmed it.'"
)
THIRD_PARTY_MESSAGE = "This blames a third party, which reads as deflection and may not be confirmed by them."
THIRD_PARTY_SUGGESTION = (
    "Describe what your users experience and what you are doing about it; name a provider only "
    "once they have confirmed the problem."
)
FIX_TIME_MESSAGE = "This promises when the fix will land; if it slips, every later update is believed less."
FIX_TIME_SUGGESTION = "Commit to the next update instead, e.g. 'We will post the next update by 15:00 UTC.'"
JARGON_MESSAGE = "Customers may not know this technical term."
JARGON_SUGGESTION = (
    "Say what users experience instead, e.g. 'some pages are loading slowly' or 'payments are "
    "failing for some customers'."
)
PERFORMATIVE_APOLOGY_MESSAGE = (
    "An apology for 'any inconvenience' reads as a formality and says nothing about the harm "
    "people actually had."
)
PERFORMATIVE_APOLOGY_SUGGESTION = (
    "Apologise once, for the specific impact, e.g. 'We know this kept you from sending invoices "
    "this morning, and we're sorry.'"
)
MINIMISING_MESSAGE = (
    "This plays down an impact that is real to the people it hit, and sounds like false calm."
)
MINIMISING_SUGGESTION = (
    "State the scope plainly, with a number if you have one, e.g. 'about 3% of sign-ins failed "
    "between 09:10 and 09:40 UTC'."
)
MISSING_NEXT_UPDATE_MESSAGE = (
    "This in-progress update does not say when the next one comes, so readers assume you went quiet."
)
MISSING_NEXT_UPDATE_SUGGESTION = (
    "End with a commitment, e.g. 'Next update by 15:30 UTC, even if nothing has changed.'"
)


# --- the text, seen two ways -----------------------------------------------------------------


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


# --- rule objects ----------------------------------------------------------------------------

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
            if (span := _reported_span(match)) is not None and self.keep(draft.original, match)
        ]
        return [self._finding(draft.original, *span) for span in _without_overlaps(spans)]

    def _finding(self, text: str, start: int, end: int) -> Finding:
        return Finding(
            rule=self.rule,
            start=start,
            end=end,
            text=text[start:end],
            message=self.message,
            suggestion=self.suggestion,
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

    def applies(self, audience: Audience, in_progress: bool) -> bool:
        return audience in self.audiences and (in_progress or not self.only_in_progress)

    def findings(self, draft: Draft) -> list[Finding]:
        # Blank text has nothing to fix yet; an empty draft is not a broken promise.
        if not draft.original or draft.original.isspace() or self.pattern.search(draft.folded):
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


Rule = PhraseRule | CommitmentRule


def _reported_span(match: re.Match[str]) -> tuple[int, int] | None:
    if FLAG_GROUP in match.re.groupindex:
        start, end = match.span(FLAG_GROUP)
        return None if start < 0 else (start, end)
    start, end = match.span()
    # An empty match would be an invisible finding; a phrasing that can produce one is a bug.
    return None if start == end else (start, end)


def _without_overlaps(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Two phrasings of one rule may catch the same words; report the widest span once."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


# --- building patterns -----------------------------------------------------------------------

Trie: TypeAlias = dict[str, "Trie"]
END_OF_PHRASE = ""
PHRASE_GAP = r"[\s-]+"
"""A space inside a configured phrase also matches a line break or a hyphen ("load-balancer")."""


WORD_START_ANCHORS = (r"\b", r"(?<!\w)")


def _any_of(phrasings: Iterable[str]) -> re.Pattern[str]:
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


def _alternation(phrases: Iterable[str]) -> str | None:
    """A regex (lowercase, for the folded text) matching any of `phrases`, built as a trie.

    A flat alternation of 70 terms retries every term at every word boundary; a trie checks one
    character at a time, so the cost per position stays flat however long the list grows.
    Optional branches are greedy, so the longest phrase wins ("read replica" over "replica").
    """
    trie: Trie = {}
    for phrase in phrases:
        words = phrase.lower().split()
        if not words:
            continue
        node = trie
        for char in " ".join(words):
            node = node.setdefault(char, {})
        node[END_OF_PHRASE] = {}
    return _trie_pattern(trie) or None


def _trie_pattern(node: Trie) -> str:
    branches = [
        (PHRASE_GAP if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char != END_OF_PHRASE
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if END_OF_PHRASE in node else body


def _whole(alternation: str) -> str:
    # \b misbehaves on terms that start or end with a symbol; look at the neighbours instead.
    return rf"(?<!\w)(?:{alternation})(?!\w)"


# --- shared pattern pieces (lowercase unless the name says otherwise) ------------------------

APOSTROPHE = "['\u2019]"
"""Straight or typographic apostrophe: status pages and Slack both produce the curly one."""

UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"

NOT_PEOPLE: tuple[str, ...] = (
    # calendar words: "Monday's deploy", "Yesterday's change caused"
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Today", "Yesterday", "Tomorrow", "Tonight", "Last",
    "Next", "Week", "Month", "Year",
    # sentence openers and contractions: "Let's", "It's", "That's", "There's"
    "The", "This", "That", "These", "Those", "There", "Here", "It", "Its", "Our", "Your",
    "Their", "What", "Who", "Where", "When", "Why", "How", "Let", "We", "You", "They", "He",
    "She", "I", "Everyone", "Nobody", "Each", "Every", "Some", "Any", "All", "One", "Both", "No",
    "If", "And", "But", "Or", "So", "After", "Before", "During", "Since", "Until", "While",
    # things that get capitalised at the start of a line in an incident channel
    "Customer", "Customers", "User", "Users", "Service", "Services", "Production", "Staging",
    "Release", "Deploy", "Config", "Change", "Checkout", "Login", "Team", "Support",
    # products that are capitalised like names
    "Redis", "Postgres", "Kafka", "Nginx", "Linux", "Java", "Python", "Ruby", "Node", "Rails",
    "Django", "Terraform", "Ansible", "Chrome", "Safari", "Firefox", "Android", "Windows",
    "Docker", "Helm", "Vault", "Consul", "Sentry", "Slack", "Zoom", "Europe", "America", "Asia",
)  # fmt: skip


def _cased_name(third_parties: Iterable[str]) -> str:
    """A capitalised word that plausibly names a person (see the module docstring).

    A lone capital counts too: "Engineer X's PR" is how people anonymise blame, not avoid it.
    """
    excluded = sorted({*NOT_PEOPLE, *(party for party in third_parties if party.isalpha())})
    # The cheap capital-letter lookahead runs first, so the long exclusion list is only tried
    # at the few positions where a capitalised word starts.
    return rf"(?=[{UPPER}])(?!(?:{'|'.join(map(re.escape, excluded))})\b)[{UPPER}][{LOWER}]*"


PERSON_ROLES = (
    r"(?:engineer|developer|dev|on-?call(?:\s+engineer)?|operator|reviewer|author|intern"
    r"|contractor|admin|administrator|sre|new\s+hire|employee|team\s+member)"
)
CLEAR_PERSON = rf"\b(?:he|she|someone|somebody|(?:the|an?|our|that|this)\s+{PERSON_ROLES})"
"""Subjects that can only be people, whatever verb follows."""

HUMAN_ACTIONS = (
    r"(?:test(?:ed)?|(?:double[\s-])?check(?:ed)?(?!\s+out)|review(?:ed)?|notice[d]?"
    r"|follow(?:ed)?|consider(?:ed)?|ask(?:ed)?|tell|told|reali[sz]e[d]?|known?"
    r"|acknowledge[d]?|look(?:ed)?|think|thought|mention(?:ed)?|document(?:ed)?"
    r"|spott?(?:ed)?|bother(?:ed)?|listen(?:ed)?)\b"
)
"""Verbs only a person does: they tell "Alice failed to test" from "Requests failed to complete"
when the subject is merely a capitalised word. Verbs systems do too are left out on purpose
("Tests failed to catch", "Alerts failed to escalate", "Jobs failed to run")."""

SHORTFALL = r"(?:failed\s+to|should\s+have|should['\u2019]ve|shouldn['\u2019]t\s+have)"
NEGLECT = r"(?:forgot\s+to|neglected\s+to)"
OMISSION = r"(?:did\s+not|didn['\u2019]t|never)"
"""Blame only with a human verb, whoever the subject: "the engineer did not test it" is blame,
"the on-call engineer did not receive the page" is a paging gap."""

NUMBER = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[\s-]five"
    r"|sixty|a\s+few|a\s+couple(?:\s+of)?|few|several)"
)
UNIT = r"(?:minutes?|mins?|m|hours?|hrs?|h|seconds?|secs?|s|days?)"
DURATION = (
    r"(?:(?:the\s+next|about|around|roughly|approximately|approx\.?|under|less\s+than)\s+|~)?"
    rf"{NUMBER}\s*(?:(?:-|to)\s*\d+\s*)?{UNIT}\b"
)
CLOCK_TIME = (
    r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|utc|gmt|[ap]\.m\.)|\d{1,2}:\d{2}|noon|midnight|eod"
    r"|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|hour|week)|tonight|tomorrow|today"
    r"|this\s+(?:afternoon|evening|morning))"
)
DEADLINE = (
    rf"(?:(?:with)?in\s+{DURATION}|within\s+(?:the|an?)\s+hour\b|(?:by|before)\s+{CLOCK_TIME}"
    r"|(?:very\s+)?(?:soon|shortly|momentarily|any\s+minute(?:\s+now)?|in\s+no\s+time)\b)"
)
FIXED_STATES = (
    "fixed", "resolved", "restored", "repaired", "mitigated", "sorted", "sorted out", "back up",
    "back online", "back to normal", "up and running", "working again", "working normally",
    "operational", "online again",
)  # fmt: skip
FIXED_STATE = f"(?:{_alternation(FIXED_STATES)})"
STATEMENT_OF_FACT = (
    # The first-letter lookahead keeps the ten lookbehinds off most word starts.
    f"(?=[{''.join(sorted({state[0] for state in FIXED_STATES}))}])"
    r"(?<!was\s)(?<!were\s)(?<!been\s)(?<!\bis\s)(?<!are\s)(?<!has\s)(?<!had\s)(?<!have\s)"
    r"(?<!got\s)(?<!came\s)"
)
"""Auxiliaries that make "resolved in 45 minutes" a report of the past, not a promise."""


# --- the rules -------------------------------------------------------------------------------


def _personal_blame(config: CheckerConfig) -> PhraseRule:
    a = APOSTROPHE
    name = _cased_name(config.third_parties)
    cased = (
        # "Bob's PR broke it", "Alice's change caused the outage"
        rf"\b{name}{a}s\b[^.!?;,\n]{{0,25}}?(?i:\b(?:broke|caused|triggered|introduced"
        r"|took\s+down|brought\s+down))\b",
        rf"\b{name}{a}s\s+(?i:fault|mistake|screw-?up|blunder)\b",
        # "caused by Alice"
        rf"\b(?i:(?:caused|broken|broke|triggered|started)\s+by)\s+{name}\b",
        # "Alice failed to test it"; "Requests failed to complete" passes
        rf"\b(?:[Tt]hey|{name})\s+(?i:(?:{SHORTFALL}|{OMISSION})\s+{HUMAN_ACTIONS}|{NEGLECT}\b)",
    )
    folded = (
        rf"\b(?:caused|broken|broke|triggered|started)\s+by\s+(?:(?:the|an?|our)\s+"
        rf"{PERSON_ROLES}|someone|somebody|him|her|human\s+error)\b",
        rf"{CLEAR_PERSON}\s+(?:{SHORTFALL}|{NEGLECT})\b",
        rf"{CLEAR_PERSON}\s+{OMISSION}\s+{HUMAN_ACTIONS}",
        r"\b(?:reckless(?:ly|ness)?|careless(?:ly|ness)?|negligen(?:t|tly|ce)"
        r"|incompeten(?:t|tly|ce)|human\s+error)\b",
        # "not our fault" deflects; "this was our fault" owns it and passes
        rf"\b(?:not|isn{a}t|wasn{a}t|aren{a}t|weren{a}t)\s+our\s+fault\b"
        r"|\b(?:his|her|their)\s+(?:fault|mistake)\b|\bfault\s+of\b|\bat\s+fault\b",
        # "blame", but not "we are not assigning blame", "a blameless review" or "git blame"
        r"\bblam(?<!\bno\sblam)(?<!not\sblam)(?<!without\sblam)(?<!assign\sblam)"
        r"(?<!assigning\sblam)(?<!n't\sblam)(?<!n\u2019t\sblam)(?<!git\sblam)(?:e|ed|es|ing)\b",
    )
    return PhraseRule(
        rule="personal-blame",
        audiences=ALL_AUDIENCES,
        pattern=_any_of(folded),
        cased_pattern=_any_of(cased),
        message=PERSONAL_BLAME_MESSAGE,
        suggestion=PERSONAL_BLAME_SUGGESTION,
    )


SPECULATION = PhraseRule(
    rule="speculation",
    audiences=OUTWARD,
    pattern=_any_of(
        (
            r"\b(?:probably|possibly|presumably|perhaps|maybe)\b",
            # "most likely the database", "likely to be related"; not "likely to ask"
            r"\blikely\b(?!\s+to\s+(?!be\b|have\s+been\b))",
            r"\bwe\s+(?:think|suspect|believe|guess|assume|reckon)\b",
            r"\b(?:it|this|that)\s+(?:might|could)\s+be\s+(?:the|our|related|caused|due|because"
            r"|an?\s+(?:issue|problem|bug|fault|failure))\b",
            r"\b(?:might|may|could)\s+(?:also\s+)?(?:be|have\s+been)\s+(?:caused|due|related"
            r"|linked|connected|because|triggered|the\s+(?:cause|result))\b",
            r"\bseem(?:s|ed)?\s+to\s+(?:be|have\s+been)\b",
            r"\bappear(?:s|ed)?\s+to\s+(?:be|have\s+been)\s+(?:caused|due|related|linked"
            r"|triggered|the\s+(?:cause|result))\b",
            r"\bour\s+(?:(?:best|current|working)\s+)?(?:guess|theory|hunch|suspicion)\b",
        )
    ),
    message=SPECULATION_MESSAGE,
    suggestion=SPECULATION_SUGGESTION,
)

PROVIDER_CONFIRMED = re.compile(
    r"\b(?:has|have|had)\s+confirmed\b|\bconfirmed\s+(?:by|on|via|in|an?|the|that)\b"
    r"|\bis\s+confirmed\b",
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
    return PROVIDER_CONFIRMED.search(_sentence_around(text, *match.span())) is None


def _third_party_blame(config: CheckerConfig) -> PhraseRule | None:
    providers = _alternation(config.third_parties)
    if providers is None:
        return None
    provider = _whole(providers)
    blaming_state = (
        r"\s+(?:is|are|was|were|has\s+been|have\s+been|seems\s+to\s+be|appears\s+to\s+be)\s+"
        r"(?:(?:currently|still|completely|again|also)\s+)?"
        r"(?:down|offline|having\s+(?:issues|problems|trouble|an?\s+outage|an?\s+incident)"
        r"|experiencing\s+(?:issues|problems|an?\s+outage|an?\s+incident|degradation)"
        r"|the\s+(?:cause|culprit|problem|issue)|to\s+blame|at\s+fault|responsible)\b"
    )
    # Between provider and verb only an identifier may sit ("AWS S3 is down", "AWS us-east-1
    # is down"); "PayPal payments are down" describes our users' impact, so capitals matter.
    identifier = r"\s+(?:[A-Z0-9][A-Z0-9-]{1,14}|[a-z]{2}-[a-z]+-\d+)\b"
    any_case_provider = _whole(f"(?i:{providers})")
    cased = (rf"{any_case_provider}(?:{APOSTROPHE}s)?{identifier}(?i:{blaming_state})",)
    folded = (
        rf"{provider}(?:{APOSTROPHE}s)?{blaming_state}",
        rf"{provider}(?:{APOSTROPHE}s)?\s+(?:outages?|fault|failure|downtime|is\s+to\s+blame"
        r"|caused|broke)\b",
        rf"(?<!\w)(?:outages?|downtime|disruption|failure)\s+(?:at|with|from|on)\s+{provider}",
        # "issues at AWS", "problems with Stripe."; not "issues with GitHub login" (our feature)
        rf"(?<!\w)(?:problems?|issues?)\s+(?:(?:at|from)\s+{provider}|with\s+{provider}(?!\s+\w))",
    )
    return PhraseRule(
        rule="third-party-blame",
        audiences=DURING_RESPONSE,
        pattern=_any_of(folded),
        cased_pattern=_any_of(cased),
        message=THIRD_PARTY_MESSAGE,
        suggestion=THIRD_PARTY_SUGGESTION,
        keep=_not_confirmed,
    )


FIX_TIME_PROMISE = PhraseRule(
    rule="fix-time-promise",
    audiences=DURING_RESPONSE,
    pattern=_any_of(
        (
            # "should be fixed in 5 minutes", "will be resolved by 14:00"
            r"\b(?:(?:should|will|would|must|to|it['\u2019]ll|we['\u2019]ll)\s+)?"
            r"(?:be|(?:get|have)\s+(?:it|this|things|everything|service|you|the\s+[\w-]+))\s+"
            rf"(?:(?:fully|completely|all)\s+)?{FIXED_STATE}(?:\s+again)?\s+{DEADLINE}",
            # "back up in 10 min", "resolved within the hour" (but not "was resolved in 45 min")
            rf"\b{STATEMENT_OF_FACT}{FIXED_STATE}(?:\s+again)?\s+{DEADLINE}",
            # "we will fix it in 10 minutes", "we expect to restore service by 15:00"
            r"\b(?:(?:we|i|they|it)['\u2019]ll|will|should|shall|to)\s+(?:fully\s+)?"
            r"(?:fix|resolve|restore|repair|mitigate)"
            rf"(?:\s+(?:it|this|things|everything|service|access|the\s+[\w-]+))?\s+{DEADLINE}",
            # "ETA 15 minutes", "ETA: 14:00" (but not "no ETA yet")
            rf"\beta(?:\s*[:=-]|\s+(?:of|is))?\s*(?:{DURATION}|{CLOCK_TIME}|\d{{1,2}}(?::\d{{2}})?\b)",
            r"\b(?:fix|resolution|recovery|restoration)\s+(?:is\s+)?(?:expected|estimated|due"
            rf"|planned|scheduled)\s+{DEADLINE}",
        )
    ),
    message=FIX_TIME_MESSAGE,
    suggestion=FIX_TIME_SUGGESTION,
)


def _jargon(config: CheckerConfig) -> PhraseRule | None:
    terms = _alternation(config.jargon)
    if terms is None:
        return None
    term = rf"(?<!\w)(?P<{FLAG_GROUP}>{terms}(?:e?s)?)(?!\w)"
    allowed = _alternation(config.customer_phrases)
    # Allowed phrases come first in one alternation: where both start at the same position the
    # allowed phrase wins, and its match (without the flag group) swallows the jargon inside it.
    phrasings = (_whole(allowed), term) if allowed else (term,)
    return PhraseRule(
        rule="jargon",
        audiences=CUSTOMER_ONLY,
        pattern=_any_of(phrasings),
        message=JARGON_MESSAGE,
        suggestion=JARGON_SUGGESTION,
    )


PERFORMATIVE_APOLOGY = PhraseRule(
    rule="performative-apology",
    audiences=OUTWARD,
    pattern=_any_of(
        (
            r"\b(?:(?:we(?:['\u2019]re|\s+are|\s+do)?|i|our)\s+)?"
            r"(?:(?:sincerely|deeply|truly|very|so|really|sincere|sincerest|deepest)\s+)?"
            r"(?:apologi[sz]e|apologies|apology|sorry|regret)\s+(?:for\s+)?"
            r"(?:(?:any|the|all\s+the)\s+inconvenience|any\s+(?:issues?|problems?|trouble"
            r"|disruption|impact|frustration))"
            r"(?:\s+(?:this|that|it)\s+(?:(?:may|might|could)\s+have|has|have)\s+caused"
            r"(?:\s+you)?|\s+caused)?",
        )
    ),
    message=PERFORMATIVE_APOLOGY_MESSAGE,
    suggestion=PERFORMATIVE_APOLOGY_SUGGESTION,
)

SMALL_SHARE = (
    r"(?:few|handful|couple|fraction|(?:small|tiny)\s+number)"
    r"(?!\s+(?:of\s+)?(?:seconds|minutes|hours|days|weeks|moments)\b)"
)
"""A played-down share of people; "just a few minutes ago" is about time and passes."""

MINIMISING = PhraseRule(
    rule="minimising",
    audiences=DURING_RESPONSE,
    pattern=_any_of(
        (
            r"\bjust\s+an?\s+(?:(?:minor|small|little|tiny|brief|quick|temporary|slight)\s+)?"
            r"(?:glitch|hiccup|blip|issue|problem|bug|error|outage|incident|hitch|snag|minor"
            rf"|one-off|{SMALL_SHARE})\b",
            r"\b(?:minor|small|little|tiny|slight|brief|quick|momentary|temporary)\s+"
            r"(?:glitch|hiccup|blip|hitch|snag)(?:es|s)?\b",
            r"\b(?:slight|tiny|little)\s+(?:issue|problem)s?\b",
            rf"\bonly\s+(?:a\s+)?(?:{SMALL_SHARE}|minority|(?:small|tiny)\s+(?:fraction|percentage"
            r"|subset|minority)|\d+(?:\.\d+)?\s*(?:%|percent))",
            r"\b(?:nothing|no\s+need)\s+to\s+worry(?:\s+about)?\b",
            r"\bno\s+cause\s+for\s+(?:concern|alarm)\b",
            r"\b(?:not\s+a|no)\s+big\s+deal\b",
            r"\bnothing\s+(?:serious|major)\b",
            r"\bmerely\s+(?:an?|some|a\s+few)\b",
        )
    ),
    message=MINIMISING_MESSAGE,
    suggestion=MINIMISING_SUGGESTION,
)

MISSING_NEXT_UPDATE = CommitmentRule(
    rule="missing-next-update",
    audiences=CUSTOMER_ONLY,
    pattern=_any_of(
        (
            r"\bnext\s+update\b",
            r"\bupdates?\s+(?:(?:you|everyone|this\s+(?:page|post|notice|status)|here)\s+)?"
            r"(?:again\s+)?(?:by|at|in|within|before|every|no\s+later\s+than)\b",
            r"\b(?:another|a\s+further|further|a\s+new|a\s+fresh)\s+updates?\b",
            r"\b(?:by|before|no\s+later\s+than)\s+\d{1,2}(?::\d{2}|\s*(?:am|pm)\b)",
            r"\bcheck\s+back\b",
        )
    ),
    message=MISSING_NEXT_UPDATE_MESSAGE,
    suggestion=MISSING_NEXT_UPDATE_SUGGESTION,
)


@lru_cache(maxsize=16)
def _rules_for(config: CheckerConfig) -> tuple[Rule, ...]:
    """Compile the config-dependent rules once per config; the others are module constants."""
    rules: tuple[Rule | None, ...] = (
        _personal_blame(config),
        SPECULATION,
        _third_party_blame(config),
        FIX_TIME_PROMISE,
        _jargon(config),
        PERFORMATIVE_APOLOGY,
        MINIMISING,
        MISSING_NEXT_UPDATE,
    )
    return tuple(rule for rule in rules if rule is not None)


def check(
    text: str,
    audience: Audience,
    *,
    in_progress: bool = True,
    config: CheckerConfig = DEFAULT_CONFIG,
) -> list[Finding]:
    """Everything in `text` a comms lead should rewrite before `audience` reads it.

    `in_progress` is False for a resolution message, which owes no next-update time.
    Findings are sorted by start offset; offsets index the characters of `text`.
    """
    audience = Audience(audience)
    rules = [rule for rule in _rules_for(config) if rule.applies(audience, in_progress)]
    if not rules:
        return []
    draft = Draft.of(text)
    findings = [finding for rule in rules for finding in rule.findings(draft)]
    return sorted(findings, key=lambda finding: (finding.start, finding.end, finding.rule))
