"""Promises about time: a fix time is a promise the team may not keep; a next-update time is one
it must make. Also how a text says it announces a resolution, which owes no next update.

Past facts are not fix-time promises: "was resolved in 45 minutes" passes, "should be fixed in 5
minutes" and "back up in 10 min" do not.
"""

from __future__ import annotations

import re
from functools import cache

from incidentbot.checker.engine import CommitmentRule, PhraseRule
from incidentbot.checker.messages import (
    FIX_TIME_MESSAGE,
    FIX_TIME_SUGGESTION,
    MISSING_NEXT_UPDATE_MESSAGE,
    MISSING_NEXT_UPDATE_SUGGESTION,
)
from incidentbot.checker.model import CUSTOMER_ONLY, DURING_RESPONSE, Stage
from incidentbot.checker.patterns import alternation, any_of

NUMBER = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty[\s-]five"
    r"|sixty|a\s+few|a\s+couple(?:\s+of)?|few|several|half\s+an?)(?:\s+or\s+so)?"
)
UNIT = r"(?:minutes?|mins?|m|hours?|hrs?|h|seconds?|secs?|s|days?)"
DURATION = (
    r"(?:(?:the\s+next|about|around|roughly|approximately|approx\.?|under|less\s+than)\s+|~)?"
    rf"{NUMBER}\s*(?:(?:-|to)\s*\d+\s*)?{UNIT}\b"
)
CLOCK_TIME = (
    r"(?:(?:the\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm|utc|gmt|[ap]\.m\.)|\d{1,2}:\d{2}|noon|midnight|eod"
    r"|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|hour|week|business)|tonight|tomorrow|today"
    r"|lunch(?:time)?|close\s+of\s+business|cob|the\s+weekend|(?:mon|tues|wednes|thurs|fri)day"
    r"|this\s+(?:afternoon|evening|morning))"
)
DEADLINE = (
    rf"(?:(?:with)?in\s+{DURATION}|within\s+(?:the|an?)\s+hour\b|(?:by|before)\s+{CLOCK_TIME}"
    r"|(?:very\s+)?(?:soon|shortly|momentarily|any\s+minute(?:\s+now)?|in\s+no\s+time)\b)"
)
FIXED_STATES = (
    "fixed", "resolved", "restored", "repaired", "mitigated", "sorted", "sorted out", "back up",
    "back online", "back to normal", "up and running", "working again", "working normally",
    "operational", "online again", "healthy", "cleared", "clear",
)  # fmt: skip
FIXED_STATE = f"(?:{alternation(FIXED_STATES)})"
STATEMENT_OF_FACT = (
    # The first-letter lookahead keeps the ten lookbehinds off most word starts.
    f"(?=[{''.join(sorted({state[0] for state in FIXED_STATES}))}])"
    r"(?<!was\s)(?<!were\s)(?<!been\s)(?<!\bis\s)(?<!are\s)(?<!has\s)(?<!had\s)(?<!have\s)"
    r"(?<!got\s)(?<!came\s)"
)
"""Auxiliaries that make "resolved in 45 minutes" a report of the past, not a promise."""

FUTURE = (
    r"will|['\u2019]ll|should|expects?|expected|expecting|hop(?:e|es|ing)|aim(?:s|ing)?"
    r"|going\s+to|plan(?:s|ning)?\s+to|goes|is\s+due|estimate[sd]?|anticipate[sd]?|target(?:ing)?"
)
COMPLETION = (
    r"fixed|resolved|restored|repaired|mitigated|sorted|back|live|out|complete|completed|done"
    r"|finished|deployed|working|resume|land|recovered|recovery|up\s+and\s+running|available"
    r"|normal|rebuilt|running|fix|resolution|work\s+(?:normally|again)"
)
ABOUT_UPDATES = re.compile(r"\b(?:update|updates|check-in|report|post|share)\b", re.IGNORECASE)


def _not_about_updates(text: str, match: re.Match[str]) -> bool:
    """ "We will post an update within the hour" commits to an update, not to a fix."""
    return ABOUT_UPDATES.search(match.group()) is None


@cache
def fix_time_promise() -> PhraseRule:
    return PhraseRule(
        rule="fix-time-promise",
        audiences=DURING_RESPONSE,
        pattern=any_of(
            (
                # "should be fixed in 5 minutes", "will be resolved by 14:00"
                r"\b(?:(?:should|will|would|must|to|it['\u2019]ll|we['\u2019]ll)\s+)?"
                r"(?:be|(?:get|have)\s+(?:it|this|things|everything|service|you|the\s+[\w-]+))\s+"
                rf"(?:(?:fully|completely|all)\s+)?{FIXED_STATE}(?:\s+again)?\s+{DEADLINE}",
                # "back up in 10 min", "resolved within the hour" (but not "was resolved in 45 min")
                rf"\b{STATEMENT_OF_FACT}{FIXED_STATE}(?:\s+again)?\s+{DEADLINE}",
                # "we will fix it in 10 minutes", "we expect to restore service by 15:00"
                r"\b(?:(?:we|i|they|it)['\u2019]ll|will|should|shall|to)\s+(?:fully\s+)?"
                r"(?:fix|resolve|restore|repair|mitigate|recover)"
                rf"(?:\s+(?:it|this|things|everything|service|access|the\s+[\w-]+))?\s+{DEADLINE}",
                # "ETA 15 minutes", "ETA: 14:00" (but not "no ETA yet")
                rf"\beta(?:\s*[:=-]|\s+(?:of|is))?\s*(?:{DURATION}|{CLOCK_TIME}|\d{{1,2}}(?::\d{{2}})?\b)",
                r"\b(?:fix|resolution|recovery|restoration)\s+(?:is\s+)?(?:expected|estimated|due"
                rf"|planned|scheduled)\s+{DEADLINE}",
                # "ETA for resolution is 16:00 UTC"
                r"\beta\s+(?:for|on|to)\s+(?:the\s+)?(?:fix|resolution|recovery)\s+(?:is\s+)?"
                rf"(?:{DURATION}|{CLOCK_TIME}|\d{{1,2}}(?::\d{{2}})?\b)",
                # "will be live by 3pm", "patch goes out in 20 min", "expects to have checkout back
                # within two hours": a future, a finished state and a deadline in one clause
                rf"\b(?:{FUTURE})\b[^.!?;\n]{{0,50}}?\b(?:{COMPLETION})\b[^.!?;\n]{{0,30}}?\s{DEADLINE}",
            )
        ),
        message=FIX_TIME_MESSAGE,
        keep=_not_about_updates,
        suggestion=FIX_TIME_SUGGESTION,
    )


def _not_a_fix_time(text: str, match: re.Match[str]) -> bool:
    """ "A fix deployed by 16:00" promises a fix, not the next word to the reader."""
    return not any(
        promise.start() <= match.start() < promise.end() and _not_about_updates(text, promise)
        for promise in fix_time_promise().pattern.finditer(text)
    )


@cache
def missing_next_update() -> CommitmentRule:
    return CommitmentRule(
        rule="missing-next-update",
        audiences=CUSTOMER_ONLY,
        pattern=any_of(
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
        counts=_not_a_fix_time,
    )


RESOLUTION = re.compile(
    r"\b(?:has|have)\s+been\s+(?:resolved|fixed|restored)\b"
    r"|\b(?:is|are)\s+(?:now\s+)?(?:resolved|fixed|back|restored|operational\s+again)\b"
    r"|^\W*resolved\b|\bresolved\s*[:\u2013\u2014-]"
    r"|\b(?:working|operating|running)\s+(?:normally|again)(?:\s+again)?\s+(?:since|as\s+of)\b"
    r"|\b(?:operational|online)\s+again\b|\bback\s+to\s+normal\b"
    r"|\b(?:fixed|restored|resolved)\s+as\s+of\b|\bback\s+up\s+as\s+of\b",
    re.IGNORECASE,
)
STILL_GOING = re.compile(
    r"\b(?:investigating|identified|monitoring|still|working\s+on|looking\s+into"
    r"|next\s+update|the\s+rest|remaining)\b",
    re.IGNORECASE,
)


def inferred_stage(text: str) -> Stage:
    """A text that says the problem is over, and nothing about work still going on, is a resolution."""
    if RESOLUTION.search(text) and not STILL_GOING.search(text):
        return Stage.RESOLVED
    return Stage.IN_PROGRESS
