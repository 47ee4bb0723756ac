"""An update never overtakes one recorded before it, whichever worker sends it."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence import post_update, updates
from incidentbot.cadence.update_rules import UpdateDraft
from incidentbot.incident.models import Severity, Status
from incidentbot.kernel import outbox
from incidentbot.kernel.context import Services
from tests.support.declarations import declared
from tests.support.memory import RecordingWorkspace
from tests.support.units import applied


def _record(services: Services, incident_id: int, theory: str) -> updates.Recorded:
    draft = UpdateDraft(
        status=Status.INVESTIGATING,
        severity=Severity.SEV1,
        theory=theory,
        next_update_at=services.clock.now() + timedelta(minutes=30),
    )
    return applied(
        services,
        post_update.POST_UPDATE,
        post_update.PostUpdate(user_id="U001", incident_id=incident_id, draft=draft),
    )


def _posted(workspace: RecordingWorkspace) -> list[str]:
    return [payload.theory for name, payload in workspace.calls if name == "post_update"]


def test_the_second_update_waits_for_the_first_and_follows_it(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident = declared(services)
    first = _record(services, incident.id, "First finding")
    second = _record(services, incident.id, "Second finding")

    held = outbox.send_now(services, second.deliveries[:1])
    assert [row.id for row in held] == [second.deliveries[0].id], "held back, to be tried again"
    assert _posted(workspace) == []

    outbox.send_now(services, first.deliveries[:1])
    assert _posted(workspace) == ["First finding", "Second finding"]
