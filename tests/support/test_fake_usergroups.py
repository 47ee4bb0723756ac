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


def test_a_groups_members_in_order(client: WebClient) -> None:
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U001", "U002"]


@pytest.mark.parametrize("group", ["S404", "S2"])
def test_an_unknown_or_disabled_group_is_no_such_subgroup(client: WebClient, group: str) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.usergroups_users_list(usergroup=group)
    assert refused.value.response["error"] == "no_such_subgroup"


def test_a_disabled_group_has_no_members_when_disabled_groups_are_asked_for(client: WebClient) -> None:
    assert client.usergroups_users_list(usergroup="S2", include_disabled=True)["users"] == []


def test_members_need_a_group_the_scope_and_a_valid_token(slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as missing:
        client.api_call("usergroups.users.list", params={})
    assert missing.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as wrong_token:
        WebClient(token="not-a-token", base_url=slack.url).usergroups_users_list(usergroup="S1")
    assert wrong_token.value.response["error"] == "invalid_auth"
    slack.bot_scopes.discard("usergroups:read")
    with pytest.raises(SlackApiError) as no_scope:
        client.usergroups_users_list(usergroup="S1")
    assert no_scope.value.response["error"] == "missing_scope"
