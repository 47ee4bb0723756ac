"""The fake's `conversations.members`: pages as Slack's do, and refuses what Slack refuses."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import FakeSlack


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_conversations_members_pages_as_slack_does(client: WebClient, fake: FakeSlack) -> None:
    cid = fake.add_channel("big", members=["UBOT", "U001", "U002", "U003"])
    first = client.conversations_members(channel=cid, limit=3)
    assert first["members"] == ["UBOT", "U001", "U002"]
    cursor = first["response_metadata"]["next_cursor"]
    last = client.conversations_members(channel=cid, limit=3, cursor=cursor)
    assert last["members"] == ["U003"] and last["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_members(channel=cid, limit=1000)
    assert excinfo.value.response["error"] == "invalid_limit"
