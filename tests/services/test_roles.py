from __future__ import annotations

import pytest

from incidentbot.incident.models import Role, Severity
from incidentbot.incident.permissions import Permissions
from incidentbot.incident.policy import Policy
from incidentbot.kernel import commands
from incidentbot.kernel.context import Services
from incidentbot.kernel.errors import BotUser, OnlyCommanderHandsOver, UnknownUser
from incidentbot.roles import service as roles
from tests.support.declarations import declared
from tests.support.memory import RecordingWorkspace


def _incident(services: Services) -> int:
    return declared(services, title="DB down", severity=Severity.SEV2, impact="Logins fail").id


def test_assigning_relieves_the_previous_holder_and_tells_everyone(
    services: Services, workspace: RecordingWorkspace
) -> None:
    incident_id = _incident(services)
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U001", incident_id=incident_id, chosen={Role.COMMS: "U002"}),
        None,
    )
    assert services.view_of(incident_id).roster.comms == "U002"
    assert ("post_role_change", (Role.COMMS, "U002", "U001")) in workspace.calls
    assert ("send_role_checklist", (Role.COMMS, "U002")) in workspace.calls
    with services.store.transaction() as tx:
        assert tx.events(incident_id)[-1].text == "Communications lead: bob"


def test_only_the_commander_hands_over_command(services: Services) -> None:
    incident_id = _incident(services)
    with pytest.raises(OnlyCommanderHandsOver) as refused:
        commands.execute(
            services,
            roles.ASSIGN_CHOSEN,
            roles.AssignChosenRoles(user_id="U002", incident_id=incident_id, chosen={Role.COMMANDER: "U002"}),
            None,
        )
    assert refused.value.detail == "U001", "the refusal names who can hand over command"
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U001", incident_id=incident_id, chosen={Role.COMMANDER: "U002"}),
        None,
    )
    assert services.view_of(incident_id).roster.commander == "U002"


def test_the_rule_can_be_relaxed(services: Services) -> None:
    relaxed = Policy(permissions=Permissions(commander_only_reassigns_commander=False))
    services = Services(
        services.store,
        services.workspace,
        relaxed,
        services.clock,
        handlers=services.handlers,
        messages=services.messages,
    )
    incident_id = _incident(services)
    commands.execute(
        services,
        roles.ASSIGN_CHOSEN,
        roles.AssignChosenRoles(user_id="U002", incident_id=incident_id, chosen={Role.COMMANDER: "U002"}),
        None,
    )
    assert services.view_of(incident_id).roster.commander == "U002"


def test_bots_and_strangers_cannot_hold_roles(services: Services) -> None:
    incident_id = _incident(services)
    with pytest.raises(BotUser):
        commands.execute(
            services,
            roles.ASSIGN_CHOSEN,
            roles.AssignChosenRoles(user_id="U001", incident_id=incident_id, chosen={Role.SCRIBE: "UBOT"}),
            None,
        )
    with pytest.raises(UnknownUser):
        commands.execute(
            services,
            roles.ASSIGN_CHOSEN,
            roles.AssignChosenRoles(user_id="U001", incident_id=incident_id, chosen={Role.SCRIBE: "U404"}),
            None,
        )
