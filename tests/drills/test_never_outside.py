"""A drill is an incident in its own channel only: never announced, sent to stakeholders, or counted."""

from __future__ import annotations

import dataclasses

from incidentbot.declare import service as declare
from incidentbot.incident.models import Severity
from incidentbot.kernel.context import Services
from incidentbot.status_page.model import StatusPageConfig
from incidentbot.status_page.publishing import STATUS_PAGE_PROMPT
from incidentbot.wrap_up import metrics
from incidentbot.wrap_up.comms_rules import CommsAudience
from tests.support import wrap_up
from tests.support.declarations import declaration, declared
from tests.support.memory import MemoryStore, RecordingWorkspace
from tests.support.units import applied


def test_a_drill_is_set_up_in_a_drill_channel_and_never_announced(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident = declare.set_up(services, applied(services, declare.DECLARE, declaration(drill=True)).id)
    assert incident.drill and incident.is_drill
    assert incident.channel_name == "drill-1-checkout-failing"
    assert "announce" not in workspace.names()
    assert incident.announcement_channel_id is None
    real = declared(services)
    assert real.channel_name == "inc-2-checkout-failing" and "announce" in workspace.names()


def test_a_drills_stakeholder_text_stays_in_the_drill_channel(
    services: Services, workspace: RecordingWorkspace
) -> None:
    drill = declared(services, drill=True)
    wrap_up.save_comms(
        services, drill.id, CommsAudience.STAKEHOLDER, "Logins fail.", "U001", stakeholder_channel="CSTAKE"
    )
    posts = [payload[1] for name, payload in workspace.calls if name == "post_comms_text"]
    assert posts == [drill.channel_id]


def test_drills_never_count_in_the_statistics(services: Services) -> None:
    declared(services, title="Real one")
    declared(services, title="Practice", drill=True)
    assert metrics.period_metrics(services, "T1", "U001").incidents == 1


def test_a_drill_is_never_prompted_for_the_status_page(services: Services, store: MemoryStore) -> None:
    services = dataclasses.replace(
        services, status_page=StatusPageConfig.model_validate({"components": [{"name": "API"}]})
    )
    drill = declared(services, drill=True, severity=Severity.SEV1)
    real = declared(services, severity=Severity.SEV1)
    prompted = {r.incident_id for r in store.reminder_rows.values() if r.kind == STATUS_PAGE_PROMPT}
    assert prompted == {real.id}, f"the drill is {drill.id}"
