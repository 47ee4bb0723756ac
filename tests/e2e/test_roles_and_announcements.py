"""Role buttons and modal on the summary; the announcement channel."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.e2e.helpers import declare, wait_until
from tests.support import signing
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


def test_take_role_button_assigns_the_clicker(running: RunningBot) -> None:
    incident = declare(running)
    running.client.action(
        "take_role:scribe", f"{incident.id}:scribe", user_id="U004", channel_id=incident.channel_id
    )
    wait_until(lambda: running.services.view_of(incident.id).roster.scribe == "U004")
    # The invitation follows the recorded assignment.
    wait_until(lambda: "U004" in running.slack.members(incident.channel_id))


def test_assign_roles_button_opens_modal_and_submission_assigns(running: RunningBot) -> None:
    incident = declare(running)
    running.client.action(
        "open_assign_roles", str(incident.id), user_id="U001", channel_id=incident.channel_id
    )
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "assign_roles"
    assert view["blocks"][0]["element"]["initial_user"] == "U001"
    state = {
        "commander": {"value": signing.users_select("U001")},
        "comms": {"value": signing.users_select("U002")},
        "scribe": {"value": signing.users_select("U003")},
    }
    response = running.client.submit(
        "assign_roles", state, user_id="U001", private_metadata=view["private_metadata"]
    )
    assert response.status == 200
    roster = wait_until(
        lambda: (
            (r := running.services.view_of(incident.id).roster).scribe == "U003" and r.comms == "U002" and r
        )
    )
    assert roster.commander == "U001"


def test_assign_roles_modal_refuses_a_bot(running: RunningBot) -> None:
    incident = declare(running)
    state = {"comms": {"value": signing.users_select("UBOT")}}
    response = running.client.submit(
        "assign_roles", state, user_id="U001", private_metadata=json.dumps({"incident_id": incident.id})
    )
    assert "A bot can't hold" in response.json()["errors"]["comms"]


@pytest.fixture
def announcing(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    slack.add_channel("incidents", channel_id="C0ANNOUNCE")
    with running_bot(slack, database_url, clock, TeamConfig(announcement_channel="C0ANNOUNCE")) as bot:
        yield bot


def test_public_incidents_are_announced_with_a_link(announcing: RunningBot) -> None:
    incident = declare(announcing)
    post = next(
        c for c in announcing.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == "C0ANNOUNCE"
    )
    assert f"<#{incident.channel_id}>" in post.args["text"]
    assert incident.announcement_ts == post.args.get("ts") or incident.announcement_ts
    announcing.client.command("status identified", channel_id=incident.channel_id)
    edit = announcing.slack.wait_for("chat.update", count=3)
    assert any(c.args["channel"] == "C0ANNOUNCE" and "identified" in c.args["text"] for c in edit)


def test_private_incidents_are_never_announced(announcing: RunningBot) -> None:
    declare(announcing, private=True)
    assert not [c for c in announcing.slack.calls_to("chat.postMessage") if c.args["channel"] == "C0ANNOUNCE"]


def test_app_home_lists_open_incidents(running: RunningBot) -> None:
    declare(running, title="Search is slow")
    running.client.event({"type": "app_home_opened", "user": "U002", "tab": "home"}, event_id="EvHome1")
    view = running.slack.wait_for("views.publish")[0].args["view"]
    assert "Search is slow" in json.dumps(view)
