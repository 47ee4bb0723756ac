"""The words a person reads for each finding live in templates/, with every other word they read."""

from __future__ import annotations

import tomllib
from pathlib import Path

from incidentbot.checker import RULES, Audience, check

ROOT = Path(__file__).resolve().parents[2]
WORDS = tomllib.loads((ROOT / "templates" / "checker" / "findings.toml").read_text(encoding="utf-8"))
CHECKER_CODE = sorted((ROOT / "incidentbot" / "domain" / "checker").glob("*.py"))

ONE_OF_EACH = {
    "personal-blame": ("Bob recklessly pushed an untested config.", Audience.POSTMORTEM),
    "speculation": ("It is probably the database.", Audience.STAKEHOLDER),
    "third-party-blame": ("AWS is having issues again.", Audience.INTERNAL),
    "fix-time-promise": ("Should be fixed in 5 minutes!", Audience.INTERNAL),
    "jargon": ("The connection pool is exhausted. Next update by 15:00 UTC.", Audience.CUSTOMER),
    "performative-apology": ("We apologise for any inconvenience.", Audience.STAKEHOLDER),
    "minimising": ("Just a minor glitch.", Audience.INTERNAL),
    "missing-next-update": ("We are investigating failed logins.", Audience.CUSTOMER),
}


def test_every_rule_has_its_message_and_suggestion_in_the_templates() -> None:
    assert set(RULES) <= set(WORDS)
    for rule in RULES:
        assert WORDS[rule]["message"].strip() and WORDS[rule]["suggestion"].strip(), rule


def test_a_finding_says_what_the_templates_say() -> None:
    assert set(ONE_OF_EACH) == set(RULES)
    for rule, (text, audience) in ONE_OF_EACH.items():
        found = next(f for f in check(text, audience) if f.rule == rule)
        assert found.message == WORDS[rule]["message"], rule
        if rule != "personal-blame":
            assert found.suggestion == WORDS[rule]["suggestion"], rule


def test_a_blame_rewrite_is_worded_by_the_templates() -> None:
    [found] = check("Priya pushed an untested config.", Audience.POSTMORTEM)
    rewrite = WORDS["personal-blame"]["rewrites"]["released"].format(object="an untested config")
    assert found.suggestion == WORDS["personal-blame"]["rewrite"].format(rewrite=rewrite)


def test_no_sentence_a_person_reads_is_left_in_the_checker_code() -> None:
    sentences = [WORDS[rule][key] for rule in RULES for key in ("message", "suggestion")]
    sentences += list(WORDS["personal-blame"]["rewrites"].values())
    for module in CHECKER_CODE:
        code = module.read_text(encoding="utf-8")
        # Split across lines in the source, a sentence still shares its opening words with it.
        left = [s for s in sentences if s[:30] in code]
        assert not left, f"{module.name} still holds {left}"
