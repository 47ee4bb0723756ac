"""Blame in each class of sentence shape, with members no rule names one by one, and the
look-alikes each generalisation must let pass."""

from __future__ import annotations

import pytest

from incidentbot.checker import Audience, check

POSTMORTEM = Audience.POSTMORTEM
INTERNAL = Audience.INTERNAL


def rules(text: str, audience: Audience = POSTMORTEM) -> set[str]:
    return {finding.rule for finding in check(text, audience)}


@pytest.mark.parametrize(
    "text",
    [
        # a failure participle with a person, role or team as the agent
        "The hotfix was flubbed by the overnight on-call.",
        "The DNS change was mistimed by the network team.",
        "Backups were neglected by the DBA for weeks.",
        "The cutover was messed up by the vendor's engineer.",
        # nobody on a team did the work
        "Nobody on the security team reviewed the new policy.",
        "None of the reviewers spotted the missing index.",
        "No one bothered to read the runbook.",
        # a fault noun that belongs to people
        "It was a misjudgement by the incident commander.",
        "A slip-up from one of our engineers removed the route.",
        "The outage was a bad call on the part of the release manager.",
        # doing a job badly, or to the wrong thing
        "The new hire misclicked and drained the region.",
        "The night shift glossed over the disk warnings.",
        "An intern rebooted the primary instead of the standby.",
        # roles said in words no list holds, and work in the passive called wrong
        "The hotfix was shipped by the web devs without a review.",
        "The escalation was waved off by the shift captain.",
        "The SRE skimmed the runbook and restarted everything.",
        "The release manager skipped the checklist.",
        "The manager ignored the escalation.",
        "The engineer who ran the migration forgot to re-enable the writes.",
        "The on-call apparently never looked at the dashboard.",
    ],
)
def test_each_class_of_blame_is_found_beyond_the_words_listed(text: str) -> None:
    assert rules(text) == {"personal-blame"}


@pytest.mark.parametrize(
    "text",
    [
        "The rollback was approved by Mara and done by 14:10.",
        "The page was acknowledged by the on-call at 02:03.",
        "The alert was silenced automatically by the maintenance window.",
        "No one was paged because the rule had no route.",
        "Nobody on the team knew the importer; its author had left.",
        "Errors from the security scanner filled the channel.",
        "Errors from the support inbox were retried at 10:02.",
        # role nouns that also name software
        "The Kubernetes operator failed to reconcile the deployment.",
        "The secrets manager skipped the rotation because the lock was held.",
        "The admin panel failed to load for some users.",
        # a role noun followed by a noun names a thing
        "The dev environment failed to start after the upgrade.",
        "The reviewer bot skipped the PR.",
        "The fix was shipped by the web devs at 09:00 after review.",
        "A mistake in the retry loop doubled the load.",
        "The health check misread the port and marked the node down.",
        "The on-call rolled back instead of patching forward, per the runbook.",
    ],
)
def test_their_look_alikes_pass(text: str) -> None:
    assert rules(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Orders are late because of our courier's depot being down.",
        "Our SMS carrier is having trouble delivering codes.",
        "The registrar's nameservers being down is the cause.",
    ],
)
def test_a_provider_named_by_its_role_is_blamed_like_a_named_one(text: str) -> None:
    assert "third-party-blame" in rules(text, INTERNAL)


def test_a_provider_named_by_its_role_may_be_mentioned_neutrally() -> None:
    assert rules("We switched receipts to our second email provider.", INTERNAL) == set()
