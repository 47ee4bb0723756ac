"""The communication checker: good updates pass untouched, each bad habit gets its own finding."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentbot.checker import Audience, CheckerConfig, Finding, Stage, check, inferred_stage

CUSTOMER = Audience.CUSTOMER
INTERNAL = Audience.INTERNAL
STAKEHOLDER = Audience.STAKEHOLDER
POSTMORTEM = Audience.POSTMORTEM

# --- the examples of /work/shared/domain.md, verbatim -------------------------------------------

DOMAIN_INVESTIGATING = (
    "We're investigating reports of failed logins affecting some users in Europe. Our team is "
    "working on it; the next update will be posted by 14:30 UTC."
)
DOMAIN_RESOLVED = (
    "The issue affecting checkout has been resolved as of 10:02 UTC. We know this stopped many "
    "of you from completing purchases, and we're sorry. We are adding safeguards to our release "
    "process and will publish a full report this week."
)
DOMAIN_TIMELINE = (
    "10:30 UTC \u2014 configuration change XYZ-123 deployed to the API gateway; 5xx rate on all "
    "endpoints rose from 0.1% to 40% within a minute."
)


def rules(text: str, audience: Audience, *, in_progress: bool = True) -> set[str]:
    return {finding.rule for finding in check(text, audience, in_progress=in_progress)}


def spans(text: str, audience: Audience, rule: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.text) for f in check(text, audience) if f.rule == rule]


@pytest.mark.parametrize(
    ("text", "audience", "in_progress"),
    [
        (DOMAIN_INVESTIGATING, CUSTOMER, True),
        (DOMAIN_RESOLVED, CUSTOMER, False),
        (DOMAIN_TIMELINE, POSTMORTEM, False),
    ],
    ids=["investigating", "resolved", "timeline"],
)
def test_the_good_examples_of_the_practice_pass(text: str, audience: Audience, in_progress: bool) -> None:
    assert check(text, audience, in_progress=in_progress) == []


@pytest.mark.parametrize(
    ("text", "audience", "expected"),
    [
        ("Should be fixed in 5 minutes!", CUSTOMER, {"fix-time-promise", "missing-next-update"}),
        ("Should be fixed in 5 minutes!", INTERNAL, {"fix-time-promise"}),
        (
            "Our database connection pool is exhausted and we are promoting a replica.",
            CUSTOMER,
            {"jargon", "missing-next-update"},
        ),
        (
            "AWS is having issues again, not our fault.",
            CUSTOMER,
            {"third-party-blame", "personal-blame", "missing-next-update"},
        ),
        (
            "AWS is having issues again, not our fault.",
            INTERNAL,
            {"third-party-blame", "personal-blame"},
        ),
        (
            "We sincerely apologize for any inconvenience.",
            CUSTOMER,
            {"performative-apology", "missing-next-update"},
        ),
        ("We sincerely apologize for any inconvenience.", STAKEHOLDER, {"performative-apology"}),
    ],
)
def test_the_bad_examples_of_the_practice_are_flagged(
    text: str, audience: Audience, expected: set[str]
) -> None:
    assert rules(text, audience) == expected


@pytest.mark.parametrize("audience", list(Audience))
def test_blaming_a_person_is_flagged_for_every_audience(audience: Audience) -> None:
    text = "Bob recklessly pushed an untested config."
    assert spans(text, audience, "personal-blame") == [(0, 40, "Bob recklessly pushed an untested config")]


def test_every_jargon_term_of_the_bad_example_is_reported_with_its_span() -> None:
    text = "Our database connection pool is exhausted and we are promoting a replica."
    assert spans(text, CUSTOMER, "jargon") == [
        (4, 12, "database"),
        (13, 28, "connection pool"),
        (65, 72, "replica"),
    ]


def test_spans_of_the_other_bad_examples() -> None:
    assert spans("Should be fixed in 5 minutes!", CUSTOMER, "fix-time-promise") == [
        (0, 28, "Should be fixed in 5 minutes")
    ]
    text = "AWS is having issues again, not our fault."
    assert spans(text, INTERNAL, "third-party-blame") == [(0, 20, "AWS is having issues")]
    assert spans(text, INTERNAL, "personal-blame") == [(28, 41, "not our fault")]
    assert spans("We sincerely apologize for any inconvenience.", CUSTOMER, "performative-apology") == [
        (0, 44, "We sincerely apologize for any inconvenience")
    ]


def test_the_missing_next_update_finding_has_an_empty_span() -> None:
    [finding] = check("We are investigating failed logins.", CUSTOMER)
    assert (finding.rule, finding.start, finding.end, finding.text) == (
        "missing-next-update",
        0,
        0,
        "",
    )


# --- a wider corpus of good writing: zero findings ----------------------------------------------

GOOD = [
    (
        "We are looking into slow page loads on the dashboard for customers in North America. "
        "Next update at 15:00 UTC.",
        CUSTOMER,
        True,
    ),
    (
        "Some customers cannot complete checkout. Our engineers are working on a fix, and we "
        "will post another update within 30 minutes.",
        CUSTOMER,
        True,
    ),
    (
        "We have found why card payments were failing and are rolling out a fix. We will update "
        "this page by 16:15 UTC.",
        CUSTOMER,
        True,
    ),
    (
        "Sign-in is failing for users in Europe. We are still investigating and have no ETA yet; "
        "next update by 09:45 UTC, even if nothing has changed.",
        CUSTOMER,
        True,
    ),
    (
        "If pages still look broken, try clearing your browser cache. We will share a further "
        "update by 13:00 UTC.",
        CUSTOMER,
        True,
    ),
    (
        "You may be asked to sign in again once service is restored. We will update you in 30 minutes.",
        CUSTOMER,
        True,
    ),
    (
        "PayPal payments are down for some customers; card payments still work. Next update at 12:00 UTC.",
        CUSTOMER,
        True,
    ),
    (
        "Between 08:10 and 08:55 UTC about 12% of logins failed. This is now fixed. It was our "
        "mistake, and we're sorry we kept you from your work this morning. A full report will "
        "follow on Friday.",
        CUSTOMER,
        False,
    ),
    (
        "Impact: enterprise customers cannot export reports since 10:05 UTC. Support can tell "
        "customers we are on it and share the status page. Workaround: schedule the export for "
        "later. Next update 10:45 UTC.",
        STAKEHOLDER,
        True,
    ),
    (
        "Checkout was unavailable for 45 minutes and about 3,200 orders failed. Service was back "
        "online by 10:47 UTC. The incident was resolved in 45 minutes, and the postmortem will be "
        "shared on Thursday.",
        STAKEHOLDER,
        False,
    ),
    (
        "SEV-1 declared 14:02 UTC: 5xx rate on the payments API at 35%. IC: Dana, comms: Lee, "
        "scribe: Sam. Current theory (unconfirmed): the 13:50 deploy. Next update 14:30 UTC.",
        INTERNAL,
        True,
    ),
    (
        "Tried: rolled back the 13:50 deploy, no change. Sam is checking the connection pool; Lee "
        "owns the status page. Next update 14:45.",
        INTERNAL,
        True,
    ),
    (
        "We host on AWS, send email through SendGrid and take card payments with Stripe.",
        INTERNAL,
        True,
    ),
    (
        "AWS has confirmed an outage in eu-west-1, which is why uploads fail. Next update 12:00.",
        INTERNAL,
        True,
    ),
    (
        "Our deploy process did not check lock behaviour on large tables, so the migration "
        "blocked writes for 45 minutes.",
        POSTMORTEM,
        False,
    ),
    (
        "The alert fired eight minutes after errors began because its threshold averaged over ten minutes.",
        POSTMORTEM,
        False,
    ),
    (
        "Requests failed to complete while the primary database was failing over.",
        POSTMORTEM,
        False,
    ),
    (
        "The on-call engineer did not receive the page because the escalation policy had no secondary.",
        POSTMORTEM,
        False,
    ),
    (
        "Contributing factors: the runbook did not cover schema rollbacks, and the release "
        "tooling allowed the change without review.",
        POSTMORTEM,
        False,
    ),
    ("This review is blameless: we are not assigning blame to anyone.", POSTMORTEM, False),
    (
        "We started seeing errors with GitHub login just a few minutes ago. With the exception of "
        "GitHub sign-in, everything works. Next update 11:15 UTC.",
        CUSTOMER,
        True,
    ),
    (
        "The service is fault-tolerant by design, and we run fault injection tests every quarter.",
        POSTMORTEM,
        False,
    ),
]


@pytest.mark.parametrize(("text", "audience", "in_progress"), GOOD)
def test_good_writing_passes(text: str, audience: Audience, in_progress: bool) -> None:
    assert check(text, audience, in_progress=in_progress) == []


# --- a wider corpus of bad writing: the specific rule fires --------------------------------------

BAD = [
    ("Bob's PR broke checkout.", POSTMORTEM, "personal-blame"),
    ("Engineer X's change took down the API.", INTERNAL, "personal-blame"),
    ("The outage was caused by Alice.", POSTMORTEM, "personal-blame"),
    ("The on-call engineer failed to acknowledge the page.", POSTMORTEM, "personal-blame"),
    ("Alice should have tested the migration.", INTERNAL, "personal-blame"),
    ("The engineer did not test it.", POSTMORTEM, "personal-blame"),
    ("Root cause: human error.", POSTMORTEM, "personal-blame"),
    ("That was careless and negligent.", INTERNAL, "personal-blame"),
    ("It was Dave's fault.", STAKEHOLDER, "personal-blame"),
    ("The problem is probably the database.", STAKEHOLDER, "speculation"),
    ("We think it might be related to the release.", CUSTOMER, "speculation"),
    ("It seems to be a network problem.", STAKEHOLDER, "speculation"),
    ("Our best guess is a bad certificate.", CUSTOMER, "speculation"),
    ("Our cloud provider is down.", CUSTOMER, "third-party-blame"),
    ("Cloudflare is having problems again.", STAKEHOLDER, "third-party-blame"),
    ("This is due to an outage at our hosting provider.", CUSTOMER, "third-party-blame"),
    ("AWS S3 is down in us-east-1.", INTERNAL, "third-party-blame"),
    ("Everything will be back up in 10 min.", CUSTOMER, "fix-time-promise"),
    ("We expect this to be resolved within the hour.", STAKEHOLDER, "fix-time-promise"),
    ("ETA 15 minutes.", INTERNAL, "fix-time-promise"),
    ("It will be fixed by 14:00.", CUSTOMER, "fix-time-promise"),
    ("We'll fix it in a few minutes.", INTERNAL, "fix-time-promise"),
    ("Users are seeing 500 errors and timeouts.", CUSTOMER, "jargon"),
    ("The pods were OOM-killed on Kubernetes.", CUSTOMER, "jargon"),
    ("A DNS misconfiguration broke sign-in.", CUSTOMER, "jargon"),
    ("Sorry for any inconvenience.", STAKEHOLDER, "performative-apology"),
    ("We regret any inconvenience.", CUSTOMER, "performative-apology"),
    ("We apologize for the inconvenience this may have caused.", CUSTOMER, "performative-apology"),
    ("It was just a minor glitch affecting a few users.", STAKEHOLDER, "minimising"),
    ("Only a few users were affected; nothing to worry about.", CUSTOMER, "minimising"),
    ("A small blip in the payments service.", INTERNAL, "minimising"),
    ("We're investigating failed logins.", CUSTOMER, "missing-next-update"),
]


@pytest.mark.parametrize(("text", "audience", "rule"), BAD)
def test_bad_writing_is_flagged_with_the_specific_rule(text: str, audience: Audience, rule: str) -> None:
    assert rule in rules(text, audience)


@pytest.mark.parametrize(
    ("text", "audience", "rule", "expected"),
    [
        ("Bob's PR broke it.", INTERNAL, "personal-blame", [(0, 14, "Bob's PR broke")]),
        ("Bob\u2019s PR broke it.", INTERNAL, "personal-blame", [(0, 14, "Bob\u2019s PR broke")]),
        ("It was caused by Alice.", POSTMORTEM, "personal-blame", [(3, 22, "was caused by Alice")]),
        ("Cloudflare is down.", INTERNAL, "third-party-blame", [(0, 18, "Cloudflare is down")]),
        ("Back up in 10 min.", INTERNAL, "fix-time-promise", [(0, 17, "Back up in 10 min")]),
        ("ETA: 14:00", INTERNAL, "fix-time-promise", [(0, 10, "ETA: 14:00")]),
        ("Timeouts on the API gateway.", CUSTOMER, "jargon", [(0, 8, "Timeouts"), (16, 27, "API gateway")]),
        ("It is just a small blip.", STAKEHOLDER, "minimising", [(6, 23, "just a small blip")]),
        ("Maybe.", STAKEHOLDER, "speculation", [(0, 5, "Maybe")]),
    ],
)
def test_findings_point_at_the_exact_words(
    text: str, audience: Audience, rule: str, expected: list[tuple[int, int, str]]
) -> None:
    assert spans(text, audience, rule) == expected


# --- each rule's audiences -----------------------------------------------------------------------


def test_jargon_is_for_customers_only() -> None:
    text = "The replica is lagging and p99 latency is 4 seconds."
    assert "jargon" in rules(text, CUSTOMER)
    for audience in (INTERNAL, STAKEHOLDER, POSTMORTEM):
        assert "jargon" not in rules(text, audience)


def test_the_responding_team_may_share_its_working_theory() -> None:
    text = "Probably the 13:50 deploy; we suspect the connection pool."
    assert "speculation" in rules(text, CUSTOMER)
    assert "speculation" in rules(text, STAKEHOLDER)
    assert rules(text, INTERNAL) == set()
    assert rules(text, POSTMORTEM) == set()


@pytest.mark.parametrize(
    ("rule", "text", "audiences"),
    [
        ("third-party-blame", "Stripe is down.", {CUSTOMER, STAKEHOLDER, INTERNAL}),
        ("fix-time-promise", "Fixed in 5 minutes.", {CUSTOMER, STAKEHOLDER, INTERNAL}),
        ("minimising", "Just a minor hiccup.", {CUSTOMER, STAKEHOLDER, INTERNAL}),
        ("performative-apology", "Sorry for any inconvenience.", {CUSTOMER, STAKEHOLDER}),
        ("speculation", "Possibly a bad release.", {CUSTOMER, STAKEHOLDER}),
        ("missing-next-update", "We are investigating.", {CUSTOMER}),
    ],
)
def test_each_rule_guards_its_audiences(rule: str, text: str, audiences: set[Audience]) -> None:
    flagged = {audience for audience in Audience if rule in rules(text, audience)}
    assert flagged == audiences


def test_a_resolution_owes_no_next_update() -> None:
    text = "The issue is resolved. We're sorry it stopped you paying invoices this morning."
    assert rules(text, CUSTOMER, in_progress=True) == {"missing-next-update"}
    assert rules(text, CUSTOMER, in_progress=False) == set()


@pytest.mark.parametrize(
    "commitment",
    [
        "The next update will be posted by 14:30 UTC.",
        "Next update in 30 minutes.",
        "Next update: 15:00 UTC.",
        "We will update you by 15:00.",
        "We will update this page within the hour.",
        "We will post another update as soon as we know more.",
        "A further update will follow.",
        "We'll share updates every 30 minutes.",
        "We will be back with an update in 30 minutes.",
        "Expect more by 14:30 UTC.",
        "Please check back at 16:00 UTC.",
    ],
)
def test_next_update_commitments_are_accepted_and_are_not_fix_promises(commitment: str) -> None:
    text = f"We are investigating failed logins. {commitment}"
    assert check(text, CUSTOMER) == []


# --- the known ambiguities, decided --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Requests failed to complete.",
        "Checkout failed to load for some users.",
        "The job failed to run at 02:00.",
        "Payments failed to settle, and they failed to retry.",
        "Customers should have received a confirmation email.",
        "We should have posted sooner, and we failed to update the status page on time.",
        "Monday's deploy caused the outage.",
        "Let's find out what caused it.",
        "The outage was caused by Redis running out of memory.",
        "The cluster is fault tolerant, and the crash was a page fault in the agent.",
        "We do not blame anyone; git blame only shows when the line changed.",
        "Tests failed to catch the regression, and alerts failed to escalate.",
        "Builds failed to check out the repository.",
    ],
)
def test_system_sentences_are_not_personal_blame(text: str) -> None:
    assert rules(text, POSTMORTEM) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Alice failed to test the change.",
        "He failed to run the checks.",
        "Someone should have caught it.",
        "They should have reviewed the diff.",
        "The reviewer forgot to check the flag.",
        "Bob didn't look at the alert.",
    ],
)
def test_people_as_the_subject_of_a_shortfall_are_blame(text: str) -> None:
    assert rules(text, POSTMORTEM) == {"personal-blame"}


def test_a_past_fix_time_is_a_fact_not_a_promise() -> None:
    text = "Service was restored in 12 minutes and has been back online since 10:47."
    assert rules(text, STAKEHOLDER) == set()


def test_a_confirmed_third_party_outage_may_be_named() -> None:
    assert rules("AWS is down, as AWS has confirmed on their status page.", INTERNAL) == set()
    assert rules("AWS is down, but AWS has not confirmed anything.", INTERNAL) == {"third-party-blame"}


def test_a_specific_apology_passes_and_a_stock_one_does_not() -> None:
    specific = "We know this stopped you checking out; we're sorry. Next update 15:00 UTC."
    stock = "We're sorry for any inconvenience. Next update 15:00 UTC."
    assert check(specific, CUSTOMER) == []
    assert rules(stock, CUSTOMER) == {"performative-apology"}


# --- configuration -------------------------------------------------------------------------------


def test_teams_can_add_their_own_jargon_and_providers() -> None:
    config = CheckerConfig(jargon=("ledger shard",), third_parties=("Acme Pay",))
    text = "The ledger shard is full because Acme Pay is down. Next update 15:00."
    found = check(text, CUSTOMER, config=config)
    assert [(f.rule, f.text) for f in found] == [
        ("jargon", "ledger shard"),
        ("third-party-blame", "Acme Pay is down"),
    ]


def test_empty_lists_switch_a_rule_off() -> None:
    config = CheckerConfig(jargon=(), third_parties=(" ",))
    text = "The database is slow because AWS is down. Next update 15:00."
    assert check(text, CUSTOMER, config=config) == []


def test_config_and_findings_are_frozen_values() -> None:
    config = CheckerConfig()
    assert hash(config) == hash(CheckerConfig())
    with pytest.raises(FrozenInstanceError):
        config.jargon = ()  # type: ignore[misc]
    finding = check("Maybe.", STAKEHOLDER)[0]
    assert isinstance(finding, Finding)
    with pytest.raises(FrozenInstanceError):
        finding.start = 3  # type: ignore[misc]
    assert finding.message.endswith(".")
    assert finding.suggestion.rstrip("'").endswith(".")


# --- ordering, de-duplication, robustness --------------------------------------------------------


def test_findings_are_sorted_and_no_rule_reports_a_span_twice() -> None:
    text = (
        "Maybe Bob's PR broke it, probably. AWS is down; AWS is down. Should be fixed in 5 "
        "minutes, should be fixed in 5 minutes. Sorry for any inconvenience."
    )
    found = check(text, CUSTOMER)
    assert [f.start for f in found] == sorted(f.start for f in found)
    keys = [(f.rule, f.start, f.end) for f in found]
    assert len(keys) == len(set(keys))
    assert all(text[f.start : f.end] == f.text for f in found)


@pytest.mark.parametrize("audience", list(Audience))
def test_empty_and_blank_text_have_no_findings(audience: Audience) -> None:
    assert check("", audience) == []
    assert check(" \n\t ", audience) == []


def test_binary_junk_and_odd_unicode_do_not_crash() -> None:
    junk = (bytes(range(256)).decode("latin-1") + "\x00\ud800\U0001f525\u200b\u0130\u2019s") * 3
    for audience in Audience:
        for finding in check(junk, audience):
            assert junk[finding.start : finding.end] == finding.text


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), audience=st.sampled_from(list(Audience)))
def test_any_text_gives_findings_that_point_into_it(text: str, audience: Audience) -> None:
    found = check(text, audience)
    for finding in found:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
    assert [f.start for f in found] == sorted(f.start for f in found)


def _megabyte_of_incident_text() -> str:
    sentences = [
        DOMAIN_INVESTIGATING,
        DOMAIN_RESOLVED,
        DOMAIN_TIMELINE,
        *(text for text, _audience, _rule in BAD),
        *(text for text, _audience, _in_progress in GOOD),
    ]
    rng = random.Random(7)
    parts: list[str] = []
    size = 0
    while size < 1_000_000:
        sentence = rng.choice(sentences)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:1_000_000]


def _megabyte_of_unicode() -> str:
    rng = random.Random(3)
    return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(1_000_000))


@pytest.mark.parametrize(
    "make_text",
    [
        _megabyte_of_incident_text,
        lambda: "ETA" + " " * 1_000_000,
        lambda: "will fix" + " " * 1_000_000 + "x",
        lambda: "Bob's " + "A" * 1_000_000,
        lambda: "a" * 1_000_000,
        _megabyte_of_unicode,
    ],
    ids=["incident-text", "spaces-after-eta", "spaces-after-fix", "capitals", "letters", "unicode"],
)
def test_a_megabyte_is_checked_and_its_findings_point_into_it(
    make_text: Callable[[], str],
) -> None:
    # The patterns are linear by construction (see `patterns.py`); a pattern that backtracks
    # catastrophically would not finish here. The speed itself is measured by
    # bench/checker_quality.py, not asserted in a test.
    text = make_text()
    for audience in (CUSTOMER, POSTMORTEM):
        for finding in check(text, audience):
            assert text[finding.start : finding.end] == finding.text


# --- structure, context and suggestions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("The platform team failed to review the migration.", "The platform team failed to review"),
        ("Raj's deploy took the search cluster down.", "Raj's deploy took"),
        ("The page was ignored by the on-call for 25 minutes.", "was ignored by the on-call"),
        ("Had Ines checked the dashboard, we would have known.", "Had Ines checked"),
        ("Root cause: operator error during the failover.", "operator error"),
    ],
    ids=["team-subject", "possessive", "passive", "counterfactual", "fault-noun"],
)
def test_each_shape_of_blame_is_found_and_quoted(text: str, quoted: str) -> None:
    [finding] = check(text, POSTMORTEM)
    assert finding.rule == "personal-blame"
    assert finding.text.startswith(quoted)


@pytest.mark.parametrize(
    "text",
    [
        "Ahmed deployed the revert at 10:42; errors fell within three minutes.",
        "Tomasz's revert is out and errors are back to baseline.",
        "Had the canary covered the EU region, the error would have shown at once.",
        "The engineer who ran the script followed the runbook as written.",
    ],
)
def test_people_doing_ordinary_work_are_not_blamed(text: str) -> None:
    assert check(text, POSTMORTEM) == []


def test_a_blame_finding_proposes_a_system_framed_rewrite() -> None:
    [finding] = check("Priya pushed an untested config to the gateway.", INTERNAL)
    assert finding.suggestion == (
        "Describe what let it happen instead, e.g. 'Our release process let an untested config "
        "reach production without a check that would have caught it.'"
    )


def test_known_people_are_people_whatever_the_case() -> None:
    text = "dana ignored the disk alert."
    assert check(text, POSTMORTEM) == []
    [finding] = check(text, POSTMORTEM, config=CheckerConfig().extended(people=("Dana",)))
    assert finding.text == "dana ignored the disk alert"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("The issue affecting search has been resolved as of 11:48 UTC.", Stage.RESOLVED),
        ("All services are operating normally again since 16:05 UTC.", Stage.RESOLVED),
        ("Logins work again; email logins are still failing.", Stage.IN_PROGRESS),
        ("Monitoring - a fix has been applied and we are watching the results.", Stage.IN_PROGRESS),
    ],
)
def test_a_resolution_is_told_from_its_text(text: str, stage: Stage) -> None:
    assert inferred_stage(text) is stage


def test_the_form_stage_wins_over_the_text() -> None:
    text = "The issue has been resolved as of 11:48 UTC."
    assert check(text, CUSTOMER) == []
    assert rules(text, CUSTOMER, in_progress=True) == {"missing-next-update"}
    assert check(text, CUSTOMER, stage=Stage.RESOLVED) == []


def test_a_generically_named_provider_is_not_blamed_before_it_confirms() -> None:
    blamed = "Our email provider is having problems. Next update at 15:00 UTC."
    confirmed = "Our email provider has confirmed an outage. Next update at 15:00 UTC."
    assert rules(blamed, CUSTOMER) == {"third-party-blame"}
    assert check(confirmed, CUSTOMER) == []


def test_names_from_the_workspace_count_only_as_written_in_prose() -> None:
    config = CheckerConfig().extended(names=("Bob", "May"))
    assert rules("Bob deleted the index on the orders table.", POSTMORTEM) == set()
    found = check("Bob deleted the index on the orders table.", POSTMORTEM, config=config)
    assert [f.rule for f in found] == ["personal-blame"]
    assert check("The change may have caused errors.", POSTMORTEM, config=config) == []
    assert check("Bob deployed the revert at 10:42.", POSTMORTEM, config=config) == []


def test_a_timeline_row_naming_its_actor_is_not_blame() -> None:
    config = CheckerConfig().extended(names=("Alice",))
    assert check("| 10:30 | Alice | Deleted the stale lock file |", POSTMORTEM, config=config) == []
