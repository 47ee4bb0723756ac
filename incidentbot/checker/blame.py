"""Blame on people: a person or group as the subject or agent of a failure, or a word of fault.

Shapes, each one pattern family below:

* subject + failure verb: "the platform team failed to review", "Priya pushed an untested
  config", "QA signed off without running the suite", "the on-call misread the graph and
  restarted the healthy node instead of the failing one". Some verbs are failures whoever does them
  ("ignored", "forgot", "misconfigured"); some only with a sign that the act was wrong
  ("pushed" an *untested* change, "ran" it *against production*, deleted the *wrong* queue), so
  "Ahmed deployed the revert" passes.
* passive with a person as agent and any failure participle: "was botched by the weekend
  on-call", "rushed out by the payments team"; ordinary work ("approved by Mara") needs a sign
  that it was wrong, like the subject shape;
* nobody on a team did the work: "nobody on the infra team bothered to check";
* a fault noun that belongs to people: "a mistake from one of our engineers";
* possessive: "Raj's deploy took the cluster down", but not "Tomasz's revert is out";
* counterfactual: "Had Ines checked …", "If the reviewer had looked …";
* words of fault: "operator error", "sloppy work", "dropped the ball", "X's fault".

A subject and its verb must sit in one clause (no sentence mark, comma or conjunction between
them, at most a few words apart), which is what keeps "Requests failed to complete" or "The
engineer who ran the script followed the runbook" clean.
"""

from __future__ import annotations

from functools import lru_cache

from incidentbot.checker.engine import PhraseRule
from incidentbot.checker.messages import PERSONAL_BLAME_MESSAGE, PERSONAL_BLAME_SUGGESTION
from incidentbot.checker.model import ALL_AUDIENCES, CheckerConfig
from incidentbot.checker.patterns import APOSTROPHE, alternation, any_of
from incidentbot.checker.people import (
    CERTAIN_PERSON,
    DETERMINER,
    GROUPS,
    QUALIFIER,
    ROLES,
    SINGULAR,
    known_people,
    likely_name,
)
from incidentbot.checker.suggestions import system_framed

a = APOSTROPHE
WORD_START = r"\b"
CONJUNCTION = r"(?:and|but|because|so|which|while|after|before|when|then|than|if|or|as|once|until)"
GAP = rf"(?:(?!{CONJUNCTION}\b)[^\s.!?;,|\u2014\u2013]+\s+){{0,5}}?"
ROLE_GAP = (
    rf"(?:(?=(?:who|that|[a-z]+ly|had|has|have|was|were|is|are|then|just|also|again|even|still"
    rf"|never|not|did|didn{a}t|does|on|in|at|from|of|for|over|last|this|yesterday|today|[0-9]"
    rf"|[\w-]+{a}s)\b){GAP})?"
)
"""Between a role and its verb the words open with a function word or a possessive ("the
engineer who ran it forgot", "engineer X's change took … down"): a role noun followed by a noun
names a thing ("the dev environment failed")."""
"""Up to five words between a subject and its verb, inside one clause (or one table cell)."""
CLAUSE_REST = r"[^.!?;,|\n\u2014\u2013]{0,70}"
"""The rest of the clause after a verb, reported with it: the object a rewrite talks about."""

MISPERFORMED = (
    r"mis-?(?!s)[a-z]{2,}ed|mistook|misread|fumbled|bungled|botched|mangled|flubbed"
    r"|neglected|overlooked|skipped|rushed|glossed\s+over|half-assed|cut\s+corners|skimmed"
    r"|brushed\s+off|waved\s+off|shrugged\s+off"
)
"""Doing a job badly, whatever the job: "misread the graph", "misjudged", "fumbled the rollback"."""
HUMAN_ACTIONS = (
    r"(?:test|check|review|notice|follow|consider|read|look|think|bother|verify|wait|ask|tell"
    r"|realise|realize|know|acknowledge|document|mention|spot|listen|answer)(?:ed|s)?"
)
HUMAN_ACTS_DONE = (
    r"tested|checked|reviewed|noticed|followed|considered|read|looked|thought|verified|asked"
    r"|told|realised|realized|acknowledged|documented|mentioned|spotted|answered|responded"
    r"|escalated|replied|caught|flagged|raised|saw|picked\s+up|took\s+ownership|owned"
)
"""The same acts done: "nobody on the infra team noticed"."""
STRONG = (
    rf"failed\s+to|forgot|forgets|neglected|ignored|ignores|ignoring|missed|skipped|skipping"
    r"|overlooked|botched|messed\s+up|screwed\s+up|mis-?configured|broke(?!\s+down)"
    r"|broken(?!\s+down)|nuked|blew\s+away|took\s+(?:[\w-]+\s+){0,3}?down|brought\s+(?:[\w-]+\s+)"
    r"{0,3}?down|rushed|panicked|dropped\s+the\s+ball|caused|introduced"
    r"|made\s+(?:a|an|another)\s+(?:mistake|error|typo|blunder)|was\s+careless"
    r"|(?:was|were)\s+not\s+paying\s+attention|wasn['\u2019]t\s+paying\s+attention"
    r"|let\s+(?:the|a|an|our|it)\s+(?:[\w-]+\s+){0,2}?(?:lapse|expire|slip)"
    r"|should(?:n['\u2019]t)?\s+have|should['\u2019]ve|must\s+be\s+more\s+careful"
    r"|stops?\s+(?:skipping|ignoring|forgetting)|finally\s+(?:noticed|responded|acted|looked)"
    rf"|(?:escalated|responded|acted|noticed|reacted)\s+(?:way\s+|far\s+)?too\s+late"
    rf"|(?:did\s+not|didn{a}t|never|could\s+not\s+be\s+bothered\s+to)\s+{HUMAN_ACTIONS}\b"
    rf"|{MISPERFORMED}|"
    r"wiped|fat-fingered|(?:silenced|muted|snoozed)\s+(?:the|an?|all|every)\s+(?:[\w-]+\s+)?"
    r"(?:alerts?|pages?|alarms?|warnings?)|went\s+back\s+to\s+(?:bed|sleep)"
    r"|left\s+(?:[\w-]+\s+){1,3}?(?:on|enabled|open|running|unlocked)\b"
)
"""Verbs that are a failure with a person as their subject, whatever the object."""
AMBIGUOUS = r"caused|introduced|deleted|dropped(?!\s+(?:by|to|from)\b)|removed"
"""Failures when a role or a known name does them; a capitalised word may be a thing
("Latency caused timeouts"), so with a guessed name these need a sign of a wrong act."""
CUED = (
    r"pushed|deployed|merged|ran|run|approved|signed\s+off|turned\s+off|disabled|silenced"
    r"|changed|copied|gave|granted|restarted|shipped|released|applied|edited|started|left"
)
CUE = (
    r"untested|unreviewed|wrong|bad|buggy|faulty|by\s+mistake|by\s+accident|accidentally"
    r"|mistakenly|without|instead\s+of|straight\s+(?:to|in)|directly\s+to|against\s+(?:the\s+)?"
    r"(?:live|prod|production)|blindly|hastily|and\s+never|on\s+(?:logging\s+)?on\b|on\s*$"
)
"""Verbs that are ordinary work ("deployed the revert") unless the clause says the act was wrong."""
WITH_CUE = rf"\b(?=[^.!?;,\n]{{0,60}}?\b(?:{CUE}))"
WRONG_ACT = (
    r"the\s+wrong|by\s+mistake|by\s+accident|accidentally|mistakenly|without\s+(?:[a-z]+ing"
    r"|review|approval|permission|a\s+(?:review|test|second\s+pair))"
)
ANY_ACT = (
    r"(?!(?:looked|checked|watched|monitored|searched|waited)\b)[a-z]+ed\b"
    rf"(?=[^.!?;,\n]{{0,60}}?\b(?:{WRONG_ACT}))"
)
"""Any past-tense act a clause calls wrong: "shared the wrong link", "launched it without
telling anyone". Looking in the wrong place is how an investigation goes, not a harmful act."""
WRONG_TARGET = r"[a-z]+ed\b(?=[^.!?;,\n]{0,60}?\binstead\s+of\s+(?![a-z]+ing\b))"
"""A person acting on the wrong thing: "restarted the healthy node instead of the failing
one". Choosing one way over another ("instead of failing over") is a decision, not a fault."""
PERSON_PREDICATE = rf"(?:(?:{STRONG}|{AMBIGUOUS})\b|(?:{CUED}){WITH_CUE}|{ANY_ACT}|{WRONG_TARGET})"
NAME_PREDICATE = rf"(?:(?:{STRONG})\b|(?:{CUED}|{AMBIGUOUS}){WITH_CUE}|{ANY_ACT})"
NAME_GAP = r"(?:(?:[a-z]+ly|had|has|have|was|were|then|just|also|again)\s+){0,2}"
"""After a guessed name only adverbs and auxiliaries: "Dmitri accidentally wiped"."""
PASSIVE = (
    r"ignored|missed|rushed(?:\s+out)?|silenced|forgotten|wiped|broken|introduced|caused"
    rf"|messed\s+up|screwed\s+up|{MISPERFORMED}"
)
"""Participles that are a failure with a person as the agent; "reviewed" or "acknowledged by
the on-call" is the work going right."""
PASSIVE_CUED = (
    r"pushed|deployed|merged|run|deleted|dropped|approved|disabled|turned\s+off|shipped|released"
    r"|applied|changed|restarted|edited|granted|copied|rolled\s+out"
)
"""Ordinary work in the passive ("approved by Mara") unless the clause says it was wrong."""
POSSESSED_FAILURE = (
    r"broke|broken|caused|introduced|triggered|started|took|brought|locked|nuked|wiped"
    r"|deleted|removed|corrupted|made\s+things\s+worse|(?:is|was)\s+(?:what|why)|again"
    r"|fault|mistake|screw-?up|blunder|typo|careless|sloppy|lack|inexperience|negligence"
    r"|oversight|error"
)
FAULT_NOUN = (
    r"(?:mistake|error|slip|slip-?up|oversight|lapse|misstep|blunder|goof|gaffe|fumble|screw-?up"
    r"|carelessness|negligence|misjudge?ment|miscalculation|bad\s+call)s?"
)
"""Nouns that call an act a fault; "an error from the payment API" is a system's, and passes."""
NOT_A_THING = (
    r"(?![\s-]+(?:api|service|scanner|export|job|system|tool|pipeline|check|endpoint|database"
    r"|queue|dashboard|integration|script|app|bot|portal|catalog(?:ue)?|page|feed|report|config"
    r"|server|cluster|form|workflow|process|automation|widget|ticket|inbox|chat|site|website"
    r"|sdk|client|library|plugin|module|component|rule|alert|account|key|token|role)s?\b)"
)
"""A group's name can be a thing's first word: "errors from the security scanner" are a tool's."""
SERVICE_STATE = (
    r"(?:[\w-]+\s+){1,4}?(?:is|are|was|were|has\s+been|have\s+been)\s+(?:still\s+|now\s+|completely\s+)?"
    r"(?:down|degraded|broken|offline|unavailable|unreachable|failing|flaky|unstable|having|experiencing)\b"
    r"(?![^.!?;\n]*\b(?:broke|caused|introduced|triggered|took|brought|wiped|deleted|removed"
    r"|corrupted)\b)"
)
""""Tessaline's API is degraded": the state of what someone owns, which no person did, unless
the clause goes on to what it did ("Priya's deploy is broken and took checkout down")."""
POSSESSION = rf"(?!{SERVICE_STATE})(?:[^\s.!?;,]+\s+){{0,6}}?(?:{POSSESSED_FAILURE})\b"
"""What follows "<owner>'s": the thing they own, then what it did ("deploy took … down")."""
FAULT_WORDS = (
    r"\b(?:reckless(?:ly|ness)?|careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|slapdash"
    r"|incompeten(?:t|tly|ce)|lack(?:ed|s)?\s+(?:of\s+)?(?:the\s+)?competence|human\s+error"
    r"|operator\s+error|user\s+error|pilot\s+error|dropped\s+the\s+ball|screw-?up|blunder"
    r"|not\s+paying\s+attention|be\s+more\s+careful|clearly\s+(?:did\s+not|didn['\u2019]t))\b",
    rf"\b(?:not|isn{a}t|wasn{a}t|aren{a}t|weren{a}t)\s+our\s+fault\b"
    rf"|\b(?:his|her|their|[\w-]+{a}s)\s+(?:fault|mistake)\b|\bfault\s+of\b|\bat\s+fault\b",
    r"\b(?:is|was)\s+on\s+(?:the\s+)?[\w-]+\s+team\b",
    # "They should have reviewed the diff"; "they failed to complete" may be requests
    rf"\bthey\s+(?:should\s+have|should{a}ve|failed\s+to|did\s+not|didn{a}t|never|forgot\s+to"
    rf"|neglected\s+to)\s+{HUMAN_ACTIONS}\b",
    r"\bwho\s+(?:pushed|broke|merged|deployed|shipped)\s+(?:this|it|that)\b",
    r"\b(?:mistake|error|typo|blunder)s?\s+(?:was|were)\s+made\s+by\b",
    # "blame", but not "we are not assigning blame", "a blameless review" or "git blame"
    r"\bblam(?<!\bno\sblam)(?<!not\sblam)(?<!without\sblam)(?<!assign\sblam)"
    r"(?<!assigning\sblam)(?<!n't\sblam)(?<!n\u2019t\sblam)(?<!git\sblam)(?:e|ed|es|ing)\b",
)


def _nobody_did_it() -> tuple[str, ...]:
    """Blame that names people by the work none of them did: "nobody on the infra team
    noticed". A fault noun that belongs to someone is an agent (see `PERSON_AGENT`)."""
    none_of = rf"(?:nobody|no\s+one|none)\s+(?:on|in|from|at|of)\s+{DETERMINER}"
    return (
        rf"\b(?:{none_of}|not\s+(?:a\s+single|one)\s+|no\s+)(?:{ROLES}|{GROUPS}){QUALIFIER}"
        rf"\s+(?:even\s+|ever\s+|actually\s+)?(?:bothered|{HUMAN_ACTS_DONE})\b{CLAUSE_REST}",
        r"\b(?:nobody|no\s+one)\s+(?:even\s+|ever\s+)?bothered\b",
    )


def _shapes(person: str, gap: str, predicate: str, *, agent: str, singular: str = "") -> tuple[str, ...]:
    """The structural shapes for one way of spelling a person; `agent` is what else may name
    the person as the one who did it ("caused by"), `singular` follows the person where it is
    a subject or an agent (see `people.SINGULAR`)."""
    subject = rf"{singular}\s+{gap}{predicate}{CLAUSE_REST}"
    possessive = rf"{a}s\s+{POSSESSION}"
    return (
        # One pass over the person for both shapes that open with it.
        rf"\b(?:{person})(?:{subject}|{possessive})",
        rf"\b(?:(?:was|were|got|been|being)\s+(?:(?:{PASSIVE})\b|(?:{PASSIVE_CUED}){WITH_CUE})"
        rf"[^.!?;\n]{{0,50}}?\bby|{agent})\s+(?:{person}){singular}\b{NOT_A_THING}",
        rf"\b(?:had\s+(?:{person})\s+(?:not\s+|never\s+|just\s+)?[a-z]+(?:ed|en|wn|ne)\b"
        rf"|if\s+(?:{person})\s+(?:had|hadn{a}t|would\s+have)\b)",
    )


PERSON_AGENT = rf"caused\s+by|{FAULT_NOUN}\s+(?:by|from|of|on\s+the\s+part\s+of)"
"""Besides a passive verb, what names a person as the one who did it: "caused by the on-call",
"a mistake from one of our engineers"."""
NAME_AGENT = rf"(?:caused|broken|broke|triggered|started)\s+by|{FAULT_NOUN}\s+(?:by|from|of)"
"""Besides a passive verb, what names a guessed name as the one who did it: "caused by Sam",
"a mistake by Priya"."""
WHOEVER = rf"\bwhoever\b[^.!?;,\n]{{0,60}}?\b{PERSON_PREDICATE}{CLAUSE_REST}"
""""Whoever approved the change without a review": the same in any spelling, so it is one
shape of the lowercase pattern."""


@lru_cache(maxsize=64)
def personal_blame(config: CheckerConfig) -> PhraseRule:
    known = known_people((*config.people, *config.teams))
    people = CERTAIN_PERSON if known is None else f"{CERTAIN_PERSON}|{known}"
    handles = alternation(config.handles)
    if handles is not None:
        people = f"{people}|@?(?<=@)(?:{handles})"
    name = likely_name(config.third_parties)
    # The cased shapes see the original text: everything but the name ignores case there.
    cased = tuple(
        rf"\b(?i:{shape.removeprefix(WORD_START)})"
        for shape in _shapes(f"(?-i:{name})", NAME_GAP, NAME_PREDICATE, agent=NAME_AGENT, singular=SINGULAR)
    )
    written = alternation(config.names, fold=False)
    if written is not None:
        # Names the bot knows are people as surely as a role is: no sign of a wrong act needed.
        cased += tuple(
            rf"\b(?i:{shape.removeprefix(WORD_START)})"
            for shape in _shapes(f"(?-i:{written})", GAP, PERSON_PREDICATE, agent=NAME_AGENT)
        )
    return PhraseRule(
        rule="personal-blame",
        audiences=ALL_AUDIENCES,
        pattern=any_of(
            (
                *_shapes(people, ROLE_GAP, PERSON_PREDICATE, agent=PERSON_AGENT),
                WHOEVER,
                *_nobody_did_it(),
                *FAULT_WORDS,
            )
        ),
        cased_pattern=any_of(cased),
        message=PERSONAL_BLAME_MESSAGE,
        suggestion=PERSONAL_BLAME_SUGGESTION,
        suggest=system_framed,
    )
