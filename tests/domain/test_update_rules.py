from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidentbot.cadence.commitment_rules import Commitment, CommitmentSource, CommitmentState
from incidentbot.cadence.update_rules import (
    UpdateDraft,
    chosen_next_update,
    default_preset,
    next_update_presets,
    next_update_problem,
    parse_preset,
)
from incidentbot.incident.models import Severity, Status
from incidentbot.incident.policy import Policy
from incidentbot.incident.times import utc_label
from incidentbot.kernel.reminder_rows import retry_delay

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _commitment(state: CommitmentState = CommitmentState.OPEN) -> Commitment:
    return Commitment(
        id=1,
        incident_id=1,
        due_at=NOW,
        made_by=None,
        made_at=NOW - timedelta(minutes=15),
        source=CommitmentSource.DECLARE,
        state=state,
    )


def test_settling_on_time_keeps_the_requested_outcome() -> None:
    assert _commitment().outcome(CommitmentState.MET, NOW) is CommitmentState.MET
    assert _commitment().outcome(CommitmentState.SUPERSEDED, NOW) is CommitmentState.SUPERSEDED


def test_settling_late_or_after_a_miss_stays_missed() -> None:
    late = NOW + timedelta(seconds=1)
    assert _commitment().outcome(CommitmentState.MET, late) is CommitmentState.MISSED
    assert _commitment().outcome(CommitmentState.CANCELLED, late) is CommitmentState.MISSED
    missed = _commitment(CommitmentState.MISSED)
    assert missed.outcome(CommitmentState.SUPERSEDED, NOW) is CommitmentState.MISSED


def test_retry_backoff_doubles_up_to_five_minutes() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert retry_delay(50) == timedelta(minutes=5)


def test_presets_follow_the_severity_cadence() -> None:
    policy = Policy()
    assert next_update_presets(policy, Severity.SEV1) == [15, 30, 60]
    assert default_preset(policy, Severity.SEV1) == 30
    assert default_preset(policy, Severity.SEV2) == 60
    assert default_preset(policy, Severity.SEV3) is None
    custom = Policy.model_validate({"severities": {1: {"meaning": "x", "cadence_minutes": 20}}})
    assert next_update_presets(custom, Severity.SEV1) == [15, 20, 30, 60]


def test_preset_values_are_checked() -> None:
    assert parse_preset("30") == 30
    assert parse_preset("none") is None
    assert parse_preset("0") is None
    assert parse_preset("99999") is None
    assert parse_preset(None) is None


def test_the_exact_time_wins_over_the_preset() -> None:
    exact = NOW + timedelta(minutes=42)
    assert chosen_next_update(30, exact, NOW) == exact
    assert chosen_next_update(30, None, NOW) == NOW + timedelta(minutes=30)
    assert chosen_next_update(None, None, NOW) is None


def _draft(severity: Severity, at: datetime | None, status: Status = Status.INVESTIGATING) -> UpdateDraft:
    return UpdateDraft(status=status, severity=severity, theory="x", next_update_at=at)


def test_next_update_rules() -> None:
    policy = Policy()
    past = NOW - timedelta(minutes=1)
    assert next_update_problem(policy, _draft(Severity.SEV1, None), NOW, exact_given=False) == (
        "next_update_missing"
    )
    assert next_update_problem(policy, _draft(Severity.SEV2, None), NOW, exact_given=False) == (
        "next_update_missing"
    )
    assert next_update_problem(policy, _draft(Severity.SEV3, None), NOW, exact_given=False) is None
    assert (
        next_update_problem(policy, _draft(Severity.SEV1, past), NOW, exact_given=True) == "next_update_past"
    )
    resolved = _draft(Severity.SEV1, None, Status.RESOLVED)
    assert next_update_problem(policy, resolved, NOW, exact_given=False) is None


def test_a_next_update_more_than_a_day_away_needs_confirming() -> None:
    policy = Policy()
    day, beyond = (
        _draft(Severity.SEV1, NOW + timedelta(hours=24)),
        _draft(Severity.SEV1, NOW + timedelta(hours=25)),
    )
    assert next_update_problem(policy, day, NOW, exact_given=True) is None
    assert next_update_problem(policy, beyond, NOW, exact_given=True) == "next_update_far"
    assert next_update_problem(policy, beyond, NOW, exact_given=True, far_confirmed=True) is None


def test_utc_labels_carry_the_date_when_not_today() -> None:
    assert utc_label(NOW + timedelta(hours=11, minutes=59), NOW) == "23:59 UTC"
    assert utc_label(NOW + timedelta(hours=12), NOW) == "Fri 2 Jan 00:00 UTC"
    assert utc_label(NOW - timedelta(hours=13), NOW) == "Wed 31 Dec 23:00 UTC"


def test_a_reopened_incident_owes_the_first_update_until_one_was_posted() -> None:
    policy = Policy()
    assert policy.reopened_next_update(Severity.SEV1, NOW, ever_updated=False) == NOW + timedelta(minutes=15)
    assert policy.reopened_next_update(Severity.SEV1, NOW, ever_updated=True) == NOW + timedelta(minutes=30)
    assert policy.reopened_next_update(Severity.SEV3, NOW, ever_updated=True) is None


def test_an_update_with_only_customer_wording_is_not_empty() -> None:
    assert UpdateDraft(status=Status.INVESTIGATING, severity=Severity.SEV1).is_empty
    assert not UpdateDraft(status=Status.INVESTIGATING, severity=Severity.SEV1, customer_text="hi").is_empty
