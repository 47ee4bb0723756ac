"""Speculation, performative apology and minimising: the words that trade facts for comfort."""

from __future__ import annotations

from functools import cache

from incidentbot.checker.engine import PhraseRule
from incidentbot.checker.messages import (
    MINIMISING_MESSAGE,
    MINIMISING_SUGGESTION,
    PERFORMATIVE_APOLOGY_MESSAGE,
    PERFORMATIVE_APOLOGY_SUGGESTION,
    SPECULATION_MESSAGE,
    SPECULATION_SUGGESTION,
)
from incidentbot.checker.model import DURING_RESPONSE, OUTWARD
from incidentbot.checker.patterns import any_of

CAUSAL = (
    r"(?:caused|due|related|linked|connected|tied|because|triggered|behind|the\s+(?:cause"
    r"|culprit|result|reason)|an?\s+(?:side\s+effect|result|consequence)|down\s+to\b(?!\s+(?:\d|normal|zero|baseline|usual)))"
)
"""What turns a hedge into a guess about the cause: "may be *caused by*", "could be *a side effect*"."""


@cache
def speculation() -> PhraseRule:
    return PhraseRule(
        rule="speculation",
        audiences=OUTWARD,
        pattern=any_of(
            (
                r"\b(?:probably|possibly|presumably|perhaps|maybe|apparently)\b",
                # "most likely the database", "likely to be related"; not "likely to ask"
                r"\blikely\b(?!\s+to\s+(?!be\b|have\s+been\b))",
                r"\bwe\s+(?:(?:still|currently|now|strongly)\s+)?(?:think|suspect|believe|guess"
                r"|assume|reckon)\b",
                r"\b(?:engineering|the\s+team|they)\s+(?:thinks?|suspects?|believes?)\b",
                r"\b(?:it|this|that)\s+(?:might|could)\s+be\s+(?:the|our|related|caused|due|because"
                r"|an?\s+(?:issue|problem|bug|fault|failure))\b",
                rf"\b(?:might|may|could)\s+(?:also\s+)?(?:be|have\s+been)\s+{CAUSAL}",
                r"\b(?:might|may|could)\s+(?:also\s+)?(?:stem|come|result|originate)\s+from\b",
                r"\bit\s+may\s+be\s+that\b",
                r"\bseem(?:s|ed)?\s+to\s+(?:be|have\s+been|come|stem)\b|\bit\s+seems\b",
                rf"\bappear(?:s|ed)?\s+to\s+(?:be|have\s+been)\s+{CAUSAL}",
                r"\bit\s+appears\b|\bappears\s+(?:that|the)\b",
                # "the cause appears to be …": a hedge on the cause, whatever the cause is
                r"\bthe\s+(?:root\s+)?(?:cause|culprit|source|reason|trigger)\s+(?:appears|seems|looks)\b",
                # "we may be seeing this because of …"
                r"\b(?:may|might|could)\s+be\s+(?:seeing|getting|happening)\b[^.!?;\n]{0,40}?"
                r"\b(?:because|due\s+to)\b",
                r"\b(?:it|this)\s+(?:looks|sounds)\s+like\b|(?:^|[.!?;:\n]\s*)looks\s+like\b",
                r"\bour\s+(?:(?:best|current|working)\s+)?(?:guess|theory|hunch|suspicion)\b",
                r"\b(?:have|has)\s+a\s+(?:hunch|feeling)\b",
                r"\b(?:early|first|initial)\s+(?:signs|indications)\s+(?:point|suggest)\b",
                r"\b(?:chances|odds)\s+are\b|\bin\s+all\s+likelihood\b"
                r"|\bwe(?:['\u2019]re|\s+are)\s+(?:fairly|pretty|quite)\s+(?:sure|confident)\b",
            )
        ),
        message=SPECULATION_MESSAGE,
        suggestion=SPECULATION_SUGGESTION,
    )


@cache
def performative_apology() -> PhraseRule:
    return PhraseRule(
        rule="performative-apology",
        audiences=OUTWARD,
        pattern=any_of(
            (
                r"\b(?:(?:we(?:['\u2019]re|\s+are|\s+do)?|i|our)\s+)?"
                r"(?:(?:sincerely|deeply|truly|very|so|really|sincere|sincerest|deepest)\s+)?"
                r"(?:apologi[sz]e|apologies|apology|sorry|regret)\s+(?:for\s+)?"
                r"(?:(?:any|the|all\s+the)\s+inconvenience|any\s+(?:issues?|problems?|trouble"
                r"|disruption|impact|frustration))"
                r"(?:\s+(?:this|that|it)\s+(?:(?:may|might|could)\s+have|has|have|may|might)\s+"
                r"(?:caused|cause|had)(?:\s+you)?|\s+caused)?",
            )
        ),
        message=PERFORMATIVE_APOLOGY_MESSAGE,
        suggestion=PERFORMATIVE_APOLOGY_SUGGESTION,
    )


SMALL_SHARE = (
    r"(?:few|handful|couple|fraction|(?:small|tiny)\s+(?:number|percentage|share))"
    r"(?!\s+(?:of\s+)?(?:seconds|minutes|hours|days|weeks|moments)\b)"
)
"""A played-down share of people; "just a few minutes ago" is about time and passes."""


@cache
def minimising() -> PhraseRule:
    return PhraseRule(
        rule="minimising",
        audiences=DURING_RESPONSE,
        pattern=any_of(
            (
                r"\bjust\s+an?\s+(?:(?:minor|small|little|tiny|brief|quick|temporary|slight)\s+)?"
                r"(?:glitch|hiccup|blip|issue|problem|bug|error|outage|incident|hitch|snag|minor"
                rf"|one-off|thing|{SMALL_SHARE})\b",
                r"\b(?:minor|small|little|tiny|slight|brief|quick|momentary|temporary)\s+"
                r"(?:glitch|hiccup|blip|hitch|snag)(?:es|s)?\b",
                r"\b(?:slight|tiny|little)\s+(?:issue|problem)s?\b",
                r"\b(?:a|an)\s+(?:small|minor|little)\s+thing\b",
                r"\ba\s+minor\s+(?:issue|problem)\s+(?:for|affecting)\b",
                rf"\bonly\s+(?:a\s+)?(?:{SMALL_SHARE}|minority|(?:small|tiny)\s+(?:fraction|percentage"
                r"|subset|minority)|\d+(?:\.\d+)?\s*(?:%|percent))",
                r"\b(?:nothing|no\s+need)\s+to\s+worry(?:\s+about)?\b|\bno\s+need\s+to\s+(?:escalate"
                r"|panic)\b|\b(?:don['\u2019]t|do\s+not)\s+worry\b",
                r"\bno\s+cause\s+for\s+(?:concern|alarm)\b",
                r"\b(?:not\s+a|no)\s+big\s+deal\b",
                r"\bnothing\s+(?:serious|major)\b",
                r"\bmerely\s+(?:an?|some|a\s+few)\b",
            )
        ),
        message=MINIMISING_MESSAGE,
        suggestion=MINIMISING_SUGGESTION,
    )
