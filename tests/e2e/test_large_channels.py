"""Membership is read page by page, as Slack hands out a large channel's members."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from incidentbot.incident.models import Role
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.support.harness import RunningBot

LATECOMERS = [f"U9{n:03d}" for n in range(450)]


def test_the_last_of_450_members_sees_the_private_incident(running: RunningBot) -> None:
    submit_declare(running, title="Payroll export leaked", private=True)
    secret = wait_until(lambda: (i := running.incident(1)) and i.setup_state == "ready" and i)
    for user in LATECOMERS:
        running.slack.add_user(user, f"person{user.lower()}")
    # People join as in Slack: someone in the channel invites them.
    WebClient(token="xoxb-someone", base_url=running.slack.url).conversations_invite(
        channel=secret.channel_id, users=",".join(LATECOMERS)
    )
    last = LATECOMERS[-1]
    running.client.event({"type": "app_home_opened", "user": last, "tab": "home"}, event_id="EvHomeLast")

    def published() -> str | None:
        calls = [c for c in running.slack.ok_calls_to("views.publish") if c.args["user_id"] == last]
        return json.dumps(calls[-1].args["view"]) if calls else None

    assert "Payroll export leaked" in wait_until(published)
    assert all(c.ok for c in running.slack.calls_to("conversations.members"))


def test_a_name_typed_in_a_workspace_of_450_people_is_found_on_a_later_page(running: RunningBot) -> None:
    for user in LATECOMERS:
        running.slack.add_user(user, f"person{user.lower()}")
    running.slack.add_user("U9999", "zoe", "Zoe Last")
    incident = declare(running)
    running.client.command("role comms zoe last", channel_id=incident.channel_id)
    wait_until(lambda: running.services.view_of(incident.id).roster.holder(Role.COMMS) == "U9999")
    assert len(running.slack.ok_calls_to("users.list")) > 1, "the people were read page by page"
