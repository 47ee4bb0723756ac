"""The fake's `conversations.history` keeps Slack's rules (tests/support/fake_slack_history.py)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import BOT_USER_ID, FakeSlack

CHANNEL = "C0100"


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers: a 429 reaches the test as Slack sent it.
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=5, retry_handlers=[])


def _ts(n: int) -> str:
    return f"{1_700_000_000 + n}.000100"


def _seed(fake: FakeSlack, count: int, channel: str = CHANNEL) -> list[str]:
    """`count` messages, one a second; their timestamps oldest first."""
    stamps = [_ts(n) for n in range(count)]
    for n, ts in enumerate(stamps):
        fake.add_message(channel, ts, user="U001", text=f"message {n}")
    return stamps


def _refused(call: Any) -> str:
    with pytest.raises(SlackApiError) as excinfo:
        call()
    return str(excinfo.value.response.get("error"))


def _all_pages(client: WebClient, **args: Any) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        page = client.conversations_history(channel=CHANNEL, cursor=cursor, **args)
        pages.append(page.data)
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor), "has_more and next_cursor agree"
        if not cursor:
            return pages  # type: ignore[return-value]


def test_a_channel_is_required_and_must_exist(client: WebClient) -> None:
    assert _refused(lambda: client.conversations_history(channel="")) == "channel_not_found"
    assert _refused(lambda: client.conversations_history(channel="C0999")) == "channel_not_found"


def test_a_bot_reads_only_conversations_it_is_in(client: WebClient, fake: FakeSlack) -> None:
    public = fake.add_channel("elsewhere", members=["U001"])
    private = fake.add_channel("secret", is_private=True, members=["U001"])
    assert _refused(lambda: client.conversations_history(channel=public)) == "not_in_channel"
    assert _refused(lambda: client.conversations_history(channel=private)) == "channel_not_found"
    mine = fake.add_channel("inc-1", is_private=True, members=[BOT_USER_ID, "U001"])
    assert client.conversations_history(channel=mine)["messages"] == []


def test_newest_first_with_oldest_and_latest_excluded_unless_inclusive(
    client: WebClient, fake: FakeSlack
) -> None:
    stamps = _seed(fake, 5)
    everything = client.conversations_history(channel=CHANNEL)["messages"]
    assert [m["ts"] for m in everything] == stamps[::-1]
    between = client.conversations_history(channel=CHANNEL, oldest=stamps[1], latest=stamps[3])
    assert [m["ts"] for m in between["messages"]] == [stamps[2]]
    inclusive = client.conversations_history(
        channel=CHANNEL, oldest=stamps[1], latest=stamps[3], inclusive=True
    )
    assert [m["ts"] for m in inclusive["messages"]] == [stamps[3], stamps[2], stamps[1]]
    only_latest = client.conversations_history(channel=CHANNEL, latest=stamps[2], inclusive=True, limit=1)
    assert [m["ts"] for m in only_latest["messages"]] == [stamps[2]]
    assert only_latest["has_more"] is True, "older messages remain"


def test_a_timestamp_that_is_none_is_refused(client: WebClient) -> None:
    assert _refused(lambda: client.conversations_history(channel="C0000", oldest="yesterday")) == (
        "invalid_ts_oldest"
    )
    assert (
        _refused(lambda: client.conversations_history(channel="C0000", latest="1.2.3")) == "invalid_ts_latest"
    )


def test_outside_the_marketplace_15_is_the_default_and_the_most(client: WebClient, fake: FakeSlack) -> None:
    _seed(fake, 40)
    assert fake.outside_marketplace
    default = client.conversations_history(channel=CHANNEL)
    assert len(default["messages"]) == 15 and default["has_more"]
    asked_more = client.conversations_history(channel=CHANNEL, limit=100)
    assert len(asked_more["messages"]) == 15 and asked_more["has_more"]
    fewer = client.conversations_history(channel=CHANNEL, limit=4)
    assert len(fewer["messages"]) == 4


def test_an_internal_app_gets_100_by_default_and_a_limit_over_999_is_cut_not_refused(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.outside_marketplace = False
    _seed(fake, 260)
    assert len(client.conversations_history(channel=CHANNEL)["messages"]) == 100
    big = client.conversations_history(channel=CHANNEL, limit=5000)
    # Slack may return fewer than asked before the end; the fake never returns more than 200.
    assert 0 < len(big["messages"]) <= 200 and big["has_more"]


@pytest.mark.parametrize("limit", ["0", "-3", "ten"])
def test_a_limit_that_is_no_positive_whole_number_is_refused(client: WebClient, limit: str) -> None:
    assert _refused(
        lambda: client.api_call("conversations.history", params={"channel": "C0000", "limit": limit})
    ) == ("invalid_arguments")


def test_pages_follow_next_cursor_until_it_is_empty(client: WebClient, fake: FakeSlack) -> None:
    stamps = _seed(fake, 40)
    pages = _all_pages(client, limit=15)
    assert [len(p["messages"]) for p in pages] == [15, 15, 10]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert [m["ts"] for p in pages for m in p["messages"]] == stamps[::-1]


def test_pages_stay_within_oldest(client: WebClient, fake: FakeSlack) -> None:
    stamps = _seed(fake, 30)
    pages = _all_pages(client, limit=15, oldest=stamps[9])
    assert [m["ts"] for p in pages for m in p["messages"]] == stamps[:9:-1]
    assert [len(p["messages"]) for p in pages] == [15, 5]


def test_a_message_posted_between_pages_does_not_shift_them(client: WebClient, fake: FakeSlack) -> None:
    stamps = _seed(fake, 20)
    first = client.conversations_history(channel=CHANNEL, limit=10)
    fake.add_message(CHANNEL, _ts(100), user="U002", text="new")
    second = client.conversations_history(
        channel=CHANNEL, limit=10, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in second["messages"]] == stamps[9::-1]
    assert second["has_more"] is False and second["response_metadata"]["next_cursor"] == ""


def test_everything_on_one_page_has_no_more_and_an_empty_cursor(client: WebClient, fake: FakeSlack) -> None:
    _seed(fake, 3)
    page = client.conversations_history(channel=CHANNEL)
    assert len(page["messages"]) == 3
    assert page["has_more"] is False and page["response_metadata"]["next_cursor"] == ""


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.b64encode(b"offset:15").decode(),  # a cursor of another method's pager
        base64.b64encode(b"next_ts:soon").decode(),
    ],
)
def test_a_cursor_slack_did_not_give_is_refused(client: WebClient, fake: FakeSlack, cursor: str) -> None:
    _seed(fake, 3)
    assert _refused(lambda: client.conversations_history(channel=CHANNEL, cursor=cursor)) == "invalid_cursor"


def test_outside_the_marketplace_one_call_a_minute_when_rates_are_enforced(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.enforce_rates = True
    assert client.conversations_history(channel="C0000")["ok"]
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_history(channel="C0000")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.get("error") == "ratelimited"
    assert 55 <= int(excinfo.value.response.headers["Retry-After"]) <= 60


def test_an_internal_app_has_tier_3_when_rates_are_enforced(client: WebClient, fake: FakeSlack) -> None:
    fake.outside_marketplace = False
    fake.enforce_rates = True
    for _ in range(50):
        assert client.conversations_history(channel="C0000")["ok"]
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_history(channel="C0000")
    assert excinfo.value.response.status_code == 429
    assert client.chat_postMessage(channel="C0000", text="other methods are not counted")["ok"]


def test_rates_are_not_enforced_unless_asked(client: WebClient) -> None:
    for _ in range(3):
        assert client.conversations_history(channel="C0000")["ok"]
