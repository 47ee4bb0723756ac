from __future__ import annotations

from datetime import date, timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.declare import service as declare
from incidentbot.incident.models import Severity
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import IncidentNotFound
from incidentbot.wrap_up import analysis, postmortem, resolve
from incidentbot.wrap_up.action_item_rules import ActionDraft, SmartGap
from incidentbot.wrap_up.analysis_rules import FactorCategory
from incidentbot.wrap_up.comms_rules import CommsAudience
from tests.support import wrap_up
from tests.support.comms_rows import add_commitment, add_update
from tests.support.declarations import declaration, declared
from tests.support.units import applied


def test_gather_collects_the_record_the_analysis_and_the_actions(services: Services) -> None:
    incident_id = declared(services, title="Checkout", impact="Checkout fails", comms="U002").id
    start = services.clock.now()
    add_update(services.store, incident_id, start + timedelta(minutes=12))
    met_at = start + timedelta(minutes=12)
    add_commitment(services.store, incident_id, start + timedelta(minutes=15), "met", settled_at=met_at)
    # The declaration's first-update promise stays open: resolving settles it as the missed one.
    wrap_up.save_comms(
        services, incident_id, CommsAudience.CUSTOMER, "We're on it. Next update by 12:45 UTC.", "U002"
    )
    wrap_up.add_analysis(
        services, analysis.factor(incident_id, FactorCategory.TOOLING, "No lock timeout", "U001")
    )
    wrap_up.add_analysis(services, analysis.five_whys(incident_id, "Old", ["first"], "", "U001"))
    wrap_up.add_analysis(
        services,
        analysis.five_whys(
            incident_id, "Checkout failed", ["Lock held", "", "No timeout"], "No review", "U002"
        ),
    )
    wrap_up.add_analysis(services, analysis.went_well(incident_id, "Alert fired in a minute", "U002"))
    wrap_up.add_action(
        services,
        incident_id,
        ActionDraft(
            "Add a timeout", owner_id="U002", due_on=date(2026, 1, 9), success_metric="No lock over 5 s"
        ),
        "U001",
    )
    wrap_up.add_action(services, incident_id, ActionDraft("Look at alerts"), "U001")
    assert isinstance(services.clock, ManualClock)
    services.clock.advance(timedelta(minutes=50))
    wrap_up.resolve(
        services, incident_id, resolve.ResolutionInput("Killed the migration", "No checkouts"), "U001"
    )

    data = postmortem.gather_in_slack(services, incident_id)
    assert data.people == {"commander": "alice", "comms": "bob"}
    assert data.resolution is not None and data.resolution.fix == "Killed the migration"
    assert data.metrics.time_to_first_update == timedelta(minutes=12)
    assert (data.metrics.adherence.met, data.metrics.adherence.missed) == (1, 1)
    assert data.factors[FactorCategory.TOOLING] == ["No lock timeout"]
    assert data.five_whys is not None and data.five_whys.whys == ("Lock held", "No timeout")
    assert data.went_well == ["Alert fired in a minute"]
    assert [(row.number, row.owner, row.is_smart) for row in data.actions] == [
        (1, "bob", True),
        (2, "", False),
    ]
    assert data.not_smart[0].gaps == (SmartGap.NO_OWNER, SmartGap.NO_DUE_DATE, SmartGap.NO_SUCCESS_METRIC)
    assert data.customer_updates == 1
    assert data.review_on == date(2026, 1, 31)
    actors = {row.actor for row in data.timeline}
    assert actors == {"alice", "bob", "incidentbot"}, "events the bot itself recorded name the bot"


def test_gather_without_slack_uses_ids_and_knows_missing_incidents(services: Services) -> None:
    slow = declaration(title="Checkout", severity=Severity.SEV3, impact="Slow")
    incident_id = applied(services, declare.DECLARE, slow).id
    data = postmortem.gather(services.store, incident_id, services.clock.now())
    assert data.people == {"commander": "U001"}
    assert data.resolution is None and data.actions == []
    with pytest.raises(IncidentNotFound):
        postmortem.gather(services.store, 404, services.clock.now())
