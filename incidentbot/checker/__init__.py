"""The communication checker: finds the phrases that cost an incident update the reader's trust.

Pure domain logic (standard library only), so the Slack handlers, the CLI and the templates all
get the same answer to one question: what in this text should a comms lead rewrite?

The rules, one module per family: `blame` (people as the subject or agent of a failure, words
of fault), `hedges` (speculation, performative apology, minimising), `third_party` (blaming a
provider before it confirmed), `promises` (fix-time promises, the missing next update, and
telling a resolution from its text), `jargon` (technical terms in customer text). Each finding
names its rule, quotes the words and says what to write instead; blame findings propose a
system-framed rewrite where the sentence's shape allows (`suggestions`).

Rules err on the side of a clean result a comms lead can trust: each documents the look-alikes
it lets pass. `tests/checker/cases.jsonl` measures both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from incidentbot.checker.blame import personal_blame
from incidentbot.checker.engine import Rule
from incidentbot.checker.hedges import minimising, performative_apology, speculation
from incidentbot.checker.jargon import jargon
from incidentbot.checker.model import (
    ALL_AUDIENCES,
    CUSTOMER_ONLY,
    DEFAULT_CONFIG,
    DURING_RESPONSE,
    OUTWARD,
    Audience,
    CheckerConfig,
    Finding,
    Stage,
)
from incidentbot.checker.patterns import Draft
from incidentbot.checker.promises import fix_time_promise, inferred_stage, missing_next_update
from incidentbot.checker.terms import DEFAULT_CUSTOMER_PHRASES, DEFAULT_JARGON, DEFAULT_THIRD_PARTIES
from incidentbot.checker.third_party import third_party_blame

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_CUSTOMER_PHRASES",
    "DEFAULT_JARGON",
    "DEFAULT_THIRD_PARTIES",
    "RULES",
    "Audience",
    "CheckerConfig",
    "Finding",
    "Stage",
    "check",
    "inferred_stage",
]

Build = Callable[[CheckerConfig], Rule | None]

RULE_BUILDERS: tuple[tuple[str, frozenset[Audience], Build], ...] = (
    ("personal-blame", ALL_AUDIENCES, personal_blame),
    ("speculation", OUTWARD, lambda _config: speculation()),
    ("third-party-blame", DURING_RESPONSE, third_party_blame),
    ("fix-time-promise", DURING_RESPONSE, lambda _config: fix_time_promise()),
    ("jargon", CUSTOMER_ONLY, jargon),
    ("performative-apology", OUTWARD, lambda _config: performative_apology()),
    ("minimising", DURING_RESPONSE, lambda _config: minimising()),
    ("missing-next-update", CUSTOMER_ONLY, lambda _config: missing_next_update()),
)
"""Each rule, who it is for, and how to compile it. Rules are compiled the first time an
audience needs them: one postmortem text through the CLI compiles the blame rule only."""

RULES: tuple[str, ...] = tuple(rule for rule, _audiences, _build in RULE_BUILDERS)
"""Every rule id."""


@lru_cache(maxsize=256)
def _rules_for(config: CheckerConfig, audience: Audience) -> tuple[Rule, ...]:
    """The rules `audience` reads under `config`, compiled once per pair."""
    built = (build(config) for _rule, audiences, build in RULE_BUILDERS if audience in audiences)
    return tuple(rule for rule in built if rule is not None)


def check(
    text: str,
    audience: Audience,
    *,
    stage: Stage | None = None,
    in_progress: bool | None = None,
    config: CheckerConfig = DEFAULT_CONFIG,
) -> list[Finding]:
    """Everything in `text` a comms lead should rewrite before `audience` reads it.

    `stage` is what the form says the text is; without one (`None`) the checker tells a
    resolution from the text itself, which owes no next-update time. `in_progress` is the older
    spelling of the same thing. Findings are sorted by start offset; offsets index `text`.
    """
    audience = Audience(audience)
    if stage is None and in_progress is not None:
        stage = Stage.IN_PROGRESS if in_progress else Stage.RESOLVED
    going_on = (stage or inferred_stage(text)) is Stage.IN_PROGRESS
    rules = [rule for rule in _rules_for(config, audience) if rule.applies(audience, going_on)]
    if not rules:
        return []
    draft = Draft.of(text)
    findings = [finding for rule in rules for finding in rule.findings(draft)]
    return sorted(findings, key=lambda finding: (finding.start, finding.end, finding.rule))
