"""Lowering a SEV-1 or SEV-2 while holding no role asks first; the change applies only once confirmed.

Alice (U001) commands, Bob (U002) is the communications lead, Carol (U003) the scribe; Dave (U004)
holds no role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.incident.permissions import Permissions
from incidentbot.incident.policy import Policy
from tests.e2e.helpers import declare, pending_requests, wait_until
from tests.e2e.timeline_helpers import entries
from tests.e2e.update_helpers import modal_errors, submit_update
from tests.support.fake_slack import FakeSlack
from tests.support.harness import BOT_TOKEN, RunningBot, running_bot

NO_ROLE = "U004"


@pytest.fixture
def unconfirmed(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    rules = Permissions(confirm_severity_lowering_without_role=False)
    with running_bot(slack, database_url, clock, TeamConfig(policy=Policy(permissions=rules))) as bot:
        yield bot


def _declared(running: RunningBot, severity: str = "1") -> Any:
    return declare(running, user="U001", comms="U002", scribe="U003", severity=severity)


def _buttons(answer: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def _severity_changes(running: RunningBot, incident_id: int) -> list[tuple[str, str | None]]:
    return [(e.text, e.actor_id) for e in entries(running, incident_id) if e.kind == "severity_changed"]


def test_lowering_a_sev1_without_a_role_asks_first_and_changes_nothing(running: RunningBot) -> None:
    incident = _declared(running)
    answer = running.client.command("severity 3", user_id=NO_ROLE, channel_id=incident.channel_id).json()
    assert "You hold no role in incident #1" in answer["text"]
    assert "Lowering it from SEV-1 to SEV-3" in answer["text"]
    assert "The incident commander, <@U001>, can change it" in answer["text"]
    assert _buttons(answer) == {"confirm_severity_lowering": "3", "keep_severity": "1"}
    assert pending_requests(running) == []
    assert running.incident().severity.value == 1
    assert _severity_changes(running, incident.id) == []


def test_confirming_lowers_it_and_removes_the_question(running: RunningBot) -> None:
    incident = _declared(running)
    running.client.command("severity 3", user_id=NO_ROLE, channel_id=incident.channel_id)
    answer_url = running.slack.response_url("lower")
    running.client.action(
        "confirm_severity_lowering",
        "3",
        user_id=NO_ROLE,
        channel_id=incident.channel_id,
        response_url=answer_url,
    )
    wait_until(lambda: running.incident().severity.value == 3)
    assert _severity_changes(running, incident.id) == [("Severity changed from SEV-1 to SEV-3", NO_ROLE)]
    running.slack.wait_until(lambda: running.slack.count("response_url") == 1)
    assert running.slack.last("response_url").args["delete_original"] is True


def test_keeping_the_severity_changes_nothing_and_removes_the_question(running: RunningBot) -> None:
    incident = _declared(running, severity="2")
    running.client.command("severity 4", user_id=NO_ROLE, channel_id=incident.channel_id)
    keep_url = running.slack.response_url("keep")
    running.client.action(
        "keep_severity", "2", user_id=NO_ROLE, channel_id=incident.channel_id, response_url=keep_url
    )
    running.slack.wait_until(lambda: running.slack.count("response_url") == 1)
    assert running.slack.last("response_url").args["delete_original"] is True
    assert running.incident().severity.value == 2
    assert pending_requests(running) == []


@pytest.mark.parametrize(
    ("user", "start", "to"), [("U002", "1", "3"), ("U003", "2", "4"), (NO_ROLE, "2", "1")]
)
def test_a_role_holder_lowering_or_anyone_raising_is_not_asked(
    running: RunningBot, user: str, start: str, to: str
) -> None:
    incident = _declared(running, severity=start)
    running.client.command(f"severity {to}", user_id=user, channel_id=incident.channel_id)
    wait_until(lambda: running.incident().severity.value == int(to))


def test_lowering_a_sev3_is_not_asked(running: RunningBot) -> None:
    incident = _declared(running, severity="3")
    running.client.command("severity 4", user_id=NO_ROLE, channel_id=incident.channel_id)
    wait_until(lambda: running.incident().severity.value == 4)


def test_a_team_can_turn_the_question_off(unconfirmed: RunningBot) -> None:
    incident = _declared(unconfirmed)
    unconfirmed.client.command("severity 4", user_id=NO_ROLE, channel_id=incident.channel_id)
    wait_until(lambda: unconfirmed.incident().severity.value == 4)


def test_the_update_form_sends_a_lowering_without_a_role_to_the_command(running: RunningBot) -> None:
    incident = _declared(running)
    invite = WebClient(token=BOT_TOKEN, base_url=running.slack.url)
    invite.conversations_invite(channel=incident.channel_id, users=NO_ROLE)
    errors = modal_errors(submit_update(running, incident, user=NO_ROLE, severity="3"))
    assert "You hold no role in this incident" in errors["severity"]
    assert "/incident severity" in errors["severity"]
    assert running.incident().severity.value == 1
    ok = submit_update(running, incident, user="U002", severity="3")
    assert ok.status == 200 and not ok.body
    wait_until(lambda: running.incident().severity.value == 3)
