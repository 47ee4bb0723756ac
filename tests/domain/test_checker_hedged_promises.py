"""Hedged causes and fix times in the shapes no single phrase names: flagged in outward texts,
with the look-alikes that state a fact or promise only the next update."""

from __future__ import annotations

import pytest

from incidentbot.checker import Audience, Stage, check

CUSTOMER = Audience.CUSTOMER
STAKEHOLDER = Audience.STAKEHOLDER
INTERNAL = Audience.INTERNAL


def rules(text: str, audience: Audience, stage: Stage | None = None) -> set[str]:
    return {finding.rule for finding in check(text, audience, stage=stage)}


@pytest.mark.parametrize(
    "text",
    [
        "The root cause seems to be an expired token.",
        "The trigger appears to be a spike in sign-ups.",
        "Customers might be getting errors due to a cache purge.",
        "The slowdown could be down to last night's index rebuild.",
    ],
)
def test_a_hedged_cause_is_speculation_for_outward_readers(text: str) -> None:
    assert "speculation" in rules(text, STAKEHOLDER)
    assert "speculation" not in rules(text, INTERNAL)


@pytest.mark.parametrize(
    "text",
    [
        "The cause is an expired token, which we have replaced.",
        "Error rates could be down to normal levels within minutes of the rollback, as in March.",
    ],
)
def test_a_stated_cause_is_not_speculation(text: str) -> None:
    assert "speculation" not in rules(text, STAKEHOLDER)


@pytest.mark.parametrize(
    "text",
    [
        "Search should be healthy again in about 15 minutes.",
        "The queue will be cleared by 18:30.",
        "It'll be clear within the hour.",
        "Uploads should recover within 10 minutes.",
        "We expect logins to work normally in half an hour.",
    ],
)
def test_a_healthy_or_cleared_state_with_a_deadline_is_a_fix_time(text: str) -> None:
    assert "fix-time-promise" in rules(text, INTERNAL)


def test_a_fix_time_is_not_the_next_update_a_customer_is_owed() -> None:
    text = "We'll have the patch deployed by 19:00 UTC."
    found = rules(text, CUSTOMER, Stage.IN_PROGRESS)
    assert found == {"fix-time-promise", "missing-next-update"}


def test_a_next_update_time_is_not_a_fix_time() -> None:
    text = "Search is slow for some customers. We'll post the next update by 19:00 UTC."
    assert rules(text, CUSTOMER, Stage.IN_PROGRESS) == set()
