from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.incident.models import Role, Roster, Severity, Status
from incidentbot.incident.policy import Policy
from incidentbot.incident.validation import impact_problem, title_problem


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("sev2", 2), ("SEV-3", 3), (" 4 ", 4)])
def test_severity_parses_common_spellings(text: str, expected: int) -> None:
    assert Severity.parse(text) == expected


@pytest.mark.parametrize("text", ["0", "5", "high", "", "sev", "-1"])
def test_severity_refuses_the_rest(text: str) -> None:
    assert Severity.parse(text) is None


def test_status_and_role_parsing() -> None:
    assert Status.parse("Identified") is Status.IDENTIFIED
    assert Status.parse("fixed") is None
    assert Role.parse("ic") is Role.COMMANDER
    assert Role.parse("cl") is Role.COMMS
    assert Role.parse("wizard") is None


def test_roster_knows_who_owes_the_update() -> None:
    roster = Roster(commander="U1")
    assert roster.update_owner == "U1"
    assert roster.with_holder(Role.COMMS, "U2").update_owner == "U2"
    assert roster.unfilled() == [Role.COMMS, Role.SCRIBE]


def test_default_cadence_follows_the_practice() -> None:
    policy = Policy()
    assert policy.cadence(Severity.SEV1) == timedelta(minutes=30)
    assert policy.cadence(Severity.SEV2) == timedelta(minutes=60)
    assert policy.cadence(Severity.SEV3) is None and policy.cadence(Severity.SEV4) is None
    declared = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert policy.first_update_due(declared) == declared + timedelta(minutes=15)
    assert policy.escalation_grace == timedelta(minutes=5)


def test_validation_keys() -> None:
    assert title_problem("") == "title_empty"
    assert title_problem("🔥") == "title_no_words"
    assert title_problem("DB down") is None
    assert impact_problem("") == "impact_empty"
    assert impact_problem("x" * 301) == "impact_too_long"
