from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.cadence import snooze
from incidentbot.checker import checking
from incidentbot.clock import ManualClock
from incidentbot.incident.models import EventKind, Severity, Status
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.wrap_up import comms, resolve
from incidentbot.wrap_up.comms_rules import CommsAudience, StoredFinding
from incidentbot.wrap_up.errors import InvalidCommsText, NotResolvedYet
from tests.support import wrap_up
from tests.support.declarations import declared
from tests.support.memory import MemoryStore, RecordingWorkspace

GOOD = (
    "We're investigating reports of failed logins affecting some users in Europe. Our team is "
    "working on it; the next update will be posted by 14:30 UTC."
)


def _incident(services: Services, *, private: bool = False, severity: Severity = Severity.SEV1) -> int:
    return declared(
        services, title="Login failing", severity=severity, impact="Users cannot log in", is_private=private
    ).id


def _posted(workspace: RecordingWorkspace) -> list[tuple[str, str]]:
    posts = [payload for name, payload in workspace.calls if name == "post_comms_text"]
    return [(text.audience.value, channel) for text, channel in posts]


def test_customer_texts_are_kept_in_order_as_the_public_history(
    services: Services, store: MemoryStore, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    channel = services.view_of(incident_id).incident.channel_id
    first = wrap_up.save_comms(services, incident_id, CommsAudience.CUSTOMER, GOOD, "U002")
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=30))
    flagged = [StoredFinding(rule="jargon", start=0, end=3, text="OOM", message="m")]
    second = wrap_up.save_comms(
        services,
        incident_id,
        CommsAudience.CUSTOMER,
        "OOM again. Next update 15:00 UTC.",
        "U002",
        findings=flagged,
        stage=Status.IDENTIFIED,
    )
    history = comms.history(services, incident_id)
    assert [t.id for t in history] == [first.id, second.id]
    assert [t.stage for t in history] == [Status.INVESTIGATING, Status.IDENTIFIED]
    assert history[1].findings == tuple(flagged)
    assert history[0].message_ts == first.message_ts is not None
    assert _posted(workspace) == [("customer", channel), ("customer", channel)]
    events = [e for e in store.events(incident_id) if e.kind is EventKind.COMMUNICATION]
    assert events[0].text.startswith("Customer update (investigating): We're investigating")


def test_stakeholder_and_executive_texts_go_to_the_stakeholder_channel(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    wrap_up.save_comms(
        services, incident_id, CommsAudience.STAKEHOLDER, "Logins fail.", "U002", stakeholder_channel="CSTAKE"
    )
    with pytest.raises(NotResolvedYet):
        wrap_up.save_comms(
            services, incident_id, CommsAudience.EXECUTIVE, "Summary", "U001", stakeholder_channel="CSTAKE"
        )
    wrap_up.resolve(services, incident_id, resolve.ResolutionInput("Rolled back", "EU users"), "U001")
    wrap_up.save_comms(
        services, incident_id, CommsAudience.EXECUTIVE, "Summary", "U001", stakeholder_channel="CSTAKE"
    )
    assert _posted(workspace) == [("stakeholder", "CSTAKE"), ("executive", "CSTAKE")]


def test_private_incidents_and_teams_without_a_stakeholder_channel_stay_in_the_incident_channel(
    services: Services, workspace: RecordingWorkspace
) -> None:
    private = _incident(services, private=True)
    public = _incident(services)
    wrap_up.save_comms(
        services, private, CommsAudience.STAKEHOLDER, "Logins fail.", "U002", stakeholder_channel="CSTAKE"
    )
    wrap_up.save_comms(services, public, CommsAudience.STAKEHOLDER, "Logins fail.", "U002")
    channels = [services.view_of(i).incident.channel_id for i in (private, public)]
    assert _posted(workspace) == [("stakeholder", channels[0]), ("stakeholder", channels[1])]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "comms_text_empty"), ("  \n ", "comms_text_empty"), ("x" * 10_240, "comms_text_too_long")],
)
def test_empty_or_huge_texts_are_refused_and_nothing_is_kept(
    services: Services, workspace: RecordingWorkspace, text: str, problem: str
) -> None:
    incident_id = _incident(services)
    with pytest.raises(InvalidCommsText) as refused:
        wrap_up.save_comms(services, incident_id, CommsAudience.CUSTOMER, text, "U002")
    assert refused.value.detail == problem
    assert comms.history(services, incident_id) == []
    assert "post_comms_text" not in workspace.names()


def test_drafts_always_promise_a_future_next_update(services: Services) -> None:
    minor = _incident(services, severity=Severity.SEV3)
    facts = comms.draft_facts(services, minor)
    assert facts.next_update_at is not None and facts.next_update_at > services.clock.now()
    major = _incident(services)
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=40))  # the first update (due at 15 min) is overdue
    facts = comms.draft_facts(services, major)
    assert facts.next_update_at == services.clock.now() + timedelta(minutes=30)


def test_a_snooze_never_becomes_the_customer_promise(services: Services) -> None:
    incident_id = _incident(services)
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=16))  # the first update, due at 15 min, was missed
    with services.store.transaction() as tx:
        missed = tx.live_commitment(incident_id)
    assert missed is not None
    snoozed = commands.execute(
        services,
        snooze.SNOOZE,
        snooze.SnoozeNextUpdate(user_id="U001", commitment_id=missed.id, minutes=5),
        None,
    )
    assert services.view_of(incident_id).incident.next_update_due == snoozed.commitment.due_at
    facts = comms.draft_facts(services, incident_id)
    assert facts.next_update_at != snoozed.commitment.due_at
    assert facts.next_update_at == services.clock.now() + timedelta(minutes=30), "the SEV-1 cadence from now"


def test_checker_settings_per_audience_and_stage() -> None:
    no_promise = "We're investigating reports of failed logins."
    assert [
        f.rule for f in checking.comms_findings(no_promise, CommsAudience.CUSTOMER, Status.INVESTIGATING)
    ] == ["missing-next-update"]
    assert checking.comms_findings(no_promise, CommsAudience.CUSTOMER, Status.RESOLVED) == []
    assert checking.comms_findings(no_promise, CommsAudience.EXECUTIVE, Status.RESOLVED) == []
    assert (
        checking.postmortem_findings("Bob recklessly pushed an untested config.")[0].rule == "personal-blame"
    )
