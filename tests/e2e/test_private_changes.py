"""A private incident is changed only by members of its channel, whatever button or form they use.

Alice (U001) declares a private incident; its channel holds her and the bot. Dave (U004) is not
in it, but a button or a form can still reach the bot from him: one in a DM, a stale view, a form
opened before he left the channel.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk import WebClient

from tests.e2e.helpers import submit_declare, wait_until
from tests.e2e.timeline_helpers import told
from tests.support import signing
from tests.support.harness import BOT_TOKEN, RunningBot

OUTSIDER = "U004"
REFUSAL = "Only members of this private incident's channel can change it"
WHO_CAN = "Ask the incident commander, <@U001>, to invite you"


def _private(running: RunningBot, severity: str = "1") -> Any:
    submit_declare(running, title="Payroll export leaked", private=True, severity=severity)
    incident = wait_until(lambda: (i := running.incident()) and i.setup_state == "ready" and i)
    assert OUTSIDER not in running.slack.members(incident.channel_id)
    return incident


def _refused(running: RunningBot) -> str:
    running.slack.wait_until(lambda: any(REFUSAL in text for text in told(running, OUTSIDER)))
    return next(text for text in told(running, OUTSIDER) if REFUSAL in text)


def test_an_outsider_cannot_take_a_role_with_the_summary_button(running: RunningBot) -> None:
    incident = _private(running)
    value = f"{incident.id}:scribe"
    running.client.action("take_role:scribe", value, user_id=OUTSIDER, channel_id=incident.channel_id)
    assert WHO_CAN in _refused(running)
    assert running.services.view_of(incident.id).roster.scribe is None


def test_an_outsider_cannot_open_the_roles_form(running: RunningBot) -> None:
    incident = _private(running)
    running.client.action("open_assign_roles", str(incident.id), user_id=OUTSIDER, channel_id="C0GENERAL")
    assert WHO_CAN in _refused(running)
    assert running.slack.count("views.open") == 0


def test_an_outsider_cannot_submit_the_roles_form(running: RunningBot) -> None:
    incident = _private(running)
    state = {"scribe": {"value": signing.users_select(OUTSIDER)}}
    metadata = json.dumps({"incident_id": incident.id})
    running.client.submit("assign_roles", state, user_id=OUTSIDER, private_metadata=metadata)
    assert WHO_CAN in _refused(running)
    assert running.services.view_of(incident.id).roster.scribe is None


def test_an_outsider_cannot_change_severity_or_status(running: RunningBot) -> None:
    incident = _private(running, severity="3")
    for words in ("severity 2", "status monitoring"):
        running.slack.clear_calls()
        running.client.command(words, user_id=OUTSIDER, channel_id=incident.channel_id)
        assert WHO_CAN in _refused(running)
    after = running.incident()
    assert (after.severity.value, after.status.value) == (incident.severity.value, "investigating")


def test_a_member_still_changes_a_private_incident(running: RunningBot) -> None:
    incident = _private(running)
    running.client.command("severity 2", user_id="U001", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().severity.value == 2)
    value = f"{incident.id}:scribe"
    running.client.action("take_role:scribe", value, user_id="U001", channel_id=incident.channel_id)
    wait_until(lambda: running.services.view_of(incident.id).roster.scribe == "U001")


def test_an_outsider_cannot_confirm_lowering_the_severity(running: RunningBot) -> None:
    incident = _private(running)
    running.client.action(
        "confirm_severity_lowering",
        "3",
        user_id=OUTSIDER,
        channel_id=incident.channel_id,
        response_url=running.slack.response_url("lower"),
    )
    assert WHO_CAN in _refused(running)
    assert running.incident().severity.value == 1


def test_a_member_on_a_later_page_of_a_big_channel_is_a_member(running: RunningBot) -> None:
    incident = _private(running)
    crowd = [f"U9{n:04d}" for n in range(450)]
    for user in [*crowd, OUTSIDER]:
        if user != OUTSIDER:
            running.slack.add_user(user, f"person{user}")
    invite = WebClient(token=BOT_TOKEN, base_url=running.slack.url)
    invite.conversations_invite(channel=incident.channel_id, users=",".join([*crowd, OUTSIDER]))
    value = f"{incident.id}:scribe"
    running.client.action("take_role:scribe", value, user_id=OUTSIDER, channel_id=incident.channel_id)
    wait_until(lambda: running.services.view_of(incident.id).roster.scribe == OUTSIDER)
    assert running.slack.count("conversations.members") >= 3, "read page by page"
