from __future__ import annotations

from datetime import timedelta

from incidentbot.declare import service as declare
from incidentbot.incident.models import SetupState
from incidentbot.kernel.context import Services
from tests.support.declarations import declaration
from tests.support.memory import RecordingWorkspace
from tests.support.units import applied


def test_record_commits_the_first_update_deadline(services: Services) -> None:
    incident = applied(services, declare.DECLARE, declaration())
    assert incident.number == 1
    assert incident.next_update_due == services.clock.now() + timedelta(minutes=15)
    with services.store.transaction() as tx:
        assert tx.roster(incident.id).commander == "U001"
        assert [e.kind for e in tx.events(incident.id)] == ["declared"]


def test_set_up_runs_every_step_once(services: Services, workspace: RecordingWorkspace) -> None:
    incident = declare.set_up(services, applied(services, declare.DECLARE, declaration(comms="U002")).id)
    assert incident.setup_state is SetupState.READY
    assert incident.channel_name == "inc-1-checkout-failing"
    assert workspace.names() == [
        "create_channel",
        "invite",
        "post_alert",
        "post_summary",
        "refresh_summary",
        "announce",
        "send_role_checklist",
    ]
    assert incident.announcement_ts == "1.0003"


def test_private_incidents_are_not_announced(services: Services, workspace: RecordingWorkspace) -> None:
    declare.set_up(services, applied(services, declare.DECLARE, declaration(is_private=True)).id)
    assert "announce" not in workspace.names()
    assert workspace.calls[0] == ("create_channel", ("inc-1-checkout-failing", True))


def test_failure_is_recorded_and_retry_resumes(services: Services, workspace: RecordingWorkspace) -> None:
    recorded = applied(services, declare.DECLARE, declaration())
    workspace.failing.add("post_alert")
    failed = declare.set_up(services, recorded.id)
    assert failed.setup_state is SetupState.FAILED
    assert failed.setup_error == "post_alert: internal_error"
    assert failed.channel_id is not None, "the channel made before the failure is kept"
    assert declare.pending_setups(services, "T1") == [failed]
    workspace.failing.clear()
    done = declare.set_up(services, recorded.id)
    assert done.setup_state is SetupState.READY
    assert workspace.names().count("create_channel") == 1, "a retry does not make a second channel"


def test_name_taken_tries_the_next_suffix(services: Services, workspace: RecordingWorkspace) -> None:
    workspace.taken_names.update({"inc-1-checkout-failing", "inc-1-checkout-failing-2"})
    incident = declare.set_up(services, applied(services, declare.DECLARE, declaration()).id)
    assert incident.channel_name == "inc-1-checkout-failing-3"


def test_a_restart_resumes_setups_left_half_way(services: Services, workspace: RecordingWorkspace) -> None:
    first = applied(services, declare.DECLARE, declaration())
    second = applied(services, declare.DECLARE, declaration(title="Search slow"))
    declare.set_up(services, second.id)
    resumed = declare.resume_interrupted(services)
    assert [i.id for i in resumed] == [first.id]
    assert resumed[0].setup_state is SetupState.READY
    assert workspace.names().count("create_channel") == 2
