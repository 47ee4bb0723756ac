"""The fake's usergroups.list answers as Slack's does: scope, disabled groups, optional fields."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import FakeSlack


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    slack.user_groups.add("S1", "platform", "Platform Team", ["U001", "U002"])
    slack.user_groups.add("S2", "old-ops", "Old Ops", disabled=True)
    return WebClient(token="xoxb-test", base_url=slack.url)


def test_enabled_groups_only_and_no_member_fields_unless_asked(client: WebClient) -> None:
    groups = client.usergroups_list()["usergroups"]
    assert [(g["id"], g["handle"], g["name"], g["date_delete"]) for g in groups] == [
        ("S1", "platform", "Platform Team", 0)
    ]
    assert "users" not in groups[0] and "user_count" not in groups[0]


def test_disabled_groups_count_and_members_when_asked(client: WebClient) -> None:
    groups = client.usergroups_list(include_disabled=True, include_count=True, include_users=True)[
        "usergroups"
    ]
    assert {g["id"]: (g["user_count"], g["users"]) for g in groups} == {
        "S1": (2, ["U001", "U002"]),
        "S2": (0, []),
    }


def test_without_the_scope_slack_refuses(slack: FakeSlack, client: WebClient) -> None:
    slack.bot_scopes.discard("usergroups:read")
    with pytest.raises(SlackApiError) as refused:
        client.usergroups_list()
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "usergroups:read"


def test_a_free_plan_has_no_user_groups(slack: FakeSlack, client: WebClient) -> None:
    slack.user_groups.refusal = "plan_upgrade_required"
    with pytest.raises(SlackApiError) as refused:
        client.usergroups_list()
    assert refused.value.response["error"] == "plan_upgrade_required"


def test_the_composer_completes_a_group_handle_as_slack_does(slack: FakeSlack) -> None:
    slack.user_groups.add("S1", "platform", "Platform Team")
    directory = slack.directory()
    assert directory.command_text("@platform forgot", should_escape=True) == "<!subteam^S1|@platform> forgot"
    assert directory.message_text("@platform forgot") == "<!subteam^S1> forgot"
