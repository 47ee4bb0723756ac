"""The fake Slack refuses what Slack's documented contract refuses (see docs/slack-contract.md)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import FakeSlack
from tests.support.interaction_ids import fresh_trigger_id


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=5)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def text_input(**fields: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": "value", **fields}


def input_block(element: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": "field", "label": plain("Field"), "element": element, **fields}


def modal(*blocks: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Form"),
        "submit": plain("Save"),
        "blocks": list(blocks),
        **fields,
    }


def button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "go", "text": plain("Go"), **fields}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def select(options: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "pick", "options": options, **fields}


def number(**fields: Any) -> dict[str, Any]:
    return {"type": "number_input", "action_id": "n", "is_decimal_allowed": False, **fields}


def open_view(client: WebClient, view: dict[str, Any]) -> str | None:
    """The error Slack answers views.open with, or None when it opens the view."""
    try:
        client.views_open(trigger_id=fresh_trigger_id(), view=view)
    except SlackApiError as error:
        return str(error.response["error"])
    return None


def post(client: WebClient, blocks: list[dict[str, Any]]) -> str | None:
    try:
        client.chat_postMessage(channel="C0000", text="fallback", blocks=blocks)
    except SlackApiError as error:
        return str(error.response["error"])
    return None


def test_a_view_within_every_limit_opens(client: WebClient) -> None:
    view = modal(
        input_block(text_input(max_length=3000, initial_value="x" * 3000, placeholder=plain("p" * 150))),
        input_block(
            select([option("o" * 75, "v" * 150)], initial_option=option("o" * 75, "v" * 150)), block_id="b"
        ),
        actions(button(value="v" * 2000, action_id="a" * 255)),
        input_block(number(min_value="0", max_value="10", initial_value="10"), block_id="n"),
        input_block({"type": "datepicker", "action_id": "d", "initial_date": "2026-01-02"}, block_id="d"),
        input_block({"type": "timepicker", "action_id": "t", "initial_time": "09:05"}, block_id="t"),
        callback_id="c" * 255,
    )
    assert open_view(client, view) is None


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal(input_block(text_input(max_length=3001))), "/view/blocks/0/element/max_length"),
        (modal(input_block(text_input(max_length=0))), "/view/blocks/0/element/max_length"),
        (modal(input_block(text_input(min_length=3001))), "/view/blocks/0/element/min_length"),
        (
            modal(input_block(text_input(max_length=5, initial_value="abcdef"))),
            "/view/blocks/0/element/initial_value",
        ),
        (
            modal(input_block(text_input(placeholder=plain("p" * 151)))),
            "/view/blocks/0/element/placeholder/text",
        ),
        (modal(input_block(text_input(action_id="a" * 256))), "/view/blocks/0/element/action_id"),
        (modal(input_block(text_input(), label=plain("l" * 2001))), "/view/blocks/0/label/text"),
        (modal(input_block(text_input(), hint=plain("h" * 2001))), "/view/blocks/0/hint/text"),
        (modal(input_block(text_input(), block_id="b" * 256)), "/view/blocks/0/block_id"),
        (modal(input_block(button())), "/view/blocks/0/element"),
        (modal(input_block(select([option("o" * 76, "v")]))), "/view/blocks/0/element/options/0/text/text"),
        (modal(input_block(select([option("o", "v" * 151)]))), "/view/blocks/0/element/options/0/value"),
        (
            modal(input_block(select([option(str(n), str(n)) for n in range(101)]))),
            "/view/blocks/0/element/options",
        ),
        (modal(input_block(select([]))), "/view/blocks/0/element/options"),
        (
            modal(input_block(select([option("a", "a")], initial_option=option("b", "b")))),
            "/view/blocks/0/element/initial_option",
        ),
        (modal(input_block(text_input()), submit=plain("s" * 25)), "/view/submit/text"),
        (modal(input_block(text_input()), close=plain("c" * 25)), "/view/close/text"),
        ({"type": "modal", "title": plain("Form"), "blocks": [input_block(text_input())]}, "/view/submit"),
        (modal(callback_id="c" * 256), "/view/callback_id"),
        (modal(input_block({"type": "number_input", "action_id": "n"})), "/view/blocks/0/element"),
        (modal(input_block(number(initial_value="2.5"))), "/view/blocks/0/element/initial_value"),
        (
            modal(input_block(number(min_value="0", initial_value="-1"))),
            "/view/blocks/0/element/initial_value",
        ),
        (modal(input_block(number(min_value="5", max_value="1"))), "/view/blocks/0/element/min_value"),
        (
            modal(input_block({"type": "datepicker", "action_id": "d", "initial_date": "1/2/2026"})),
            "/view/blocks/0/element/initial_date",
        ),
        (
            modal(input_block({"type": "timepicker", "action_id": "t", "initial_time": "9:5"})),
            "/view/blocks/0/element/initial_time",
        ),
    ],
)
def test_views_open_refuses_what_slack_refuses(client: WebClient, view: dict[str, Any], pointer: str) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=fresh_trigger_id(), view=view)
    assert excinfo.value.response["error"] == "invalid_arguments"
    messages = excinfo.value.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in message for message in messages), messages


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([actions(button(value="v" * 2001))], "/blocks/0/elements/0/value"),
        ([actions(button(text=plain("t" * 76)))], "/blocks/0/elements/0/text/text"),
        ([actions(button(text={"type": "mrkdwn", "text": "*go*"}))], "/blocks/0/elements/0/text/type"),
        ([actions(button(), button())], "/blocks/0/elements/1/action_id"),
        ([actions(button(url="https://x/" + "a" * 3000))], "/blocks/0/elements/0/url"),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*", "emoji": True}}],
            "/blocks/0/text/emoji",
        ),
        (
            [{"type": "context", "elements": [{**plain("hi"), "verbatim": True}]}],
            "/blocks/0/elements/0/verbatim",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*hi*"}}], "/blocks/0/text/type"),
        (
            [actions({"type": "overflow", "action_id": "o", "options": [option("a", "a")]})],
            "/blocks/0/elements/0/options",
        ),
        (
            [{"type": "section", "text": plain("s"), "accessory": button(value="v" * 2001)}],
            "/blocks/0/accessory/value",
        ),
        (
            [
                actions(
                    button(
                        confirm={
                            "title": plain("t"),
                            "text": plain("x" * 301),
                            "confirm": plain("y"),
                            "deny": plain("n"),
                        }
                    )
                )
            ],
            "/blocks/0/elements/0/confirm/text/text",
        ),
    ],
)
def test_chat_post_message_refuses_what_slack_refuses(
    client: WebClient, blocks: list[dict[str, Any]], pointer: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0000", text="fallback", blocks=blocks)
    assert excinfo.value.response["error"] == "invalid_blocks"
    messages = excinfo.value.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in message for message in messages), messages


def test_the_same_action_id_in_two_blocks_is_accepted(client: WebClient) -> None:
    # Slack asks an action_id to be unique within its block only.
    assert post(client, [actions(button()), actions(button())]) is None


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("pins.add", {}),
        ("pins.remove", {}),
        ("reactions.add", {"name": "white_check_mark"}),
        ("reactions.remove", {"name": "white_check_mark"}),
        ("reactions.get", {}),
    ],
)
def test_pins_and_reactions_need_a_message_that_exists(
    client: WebClient, method: str, args: dict[str, Any]
) -> None:
    posted = client.chat_postMessage(channel="C0000", text="soon gone")
    client.chat_delete(channel="C0000", ts=posted["ts"])
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call(method, params={"channel": "C0000", "timestamp": posted["ts"], **args})
    assert excinfo.value.response["error"] == "message_not_found"


def test_a_page_limit_of_1000_or_more_is_refused(client: WebClient, fake: FakeSlack) -> None:
    channel = fake.add_channel("big")
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_members(channel=channel, limit=1000)
    assert excinfo.value.response["error"] == "invalid_limit"
    assert client.conversations_members(channel=channel, limit=999)["members"] == ["UBOT"]


def test_pages_can_be_shorter_than_asked_so_only_next_cursor_ends_the_list(
    client: WebClient, fake: FakeSlack
) -> None:
    people = [f"U7{n:03d}" for n in range(450)]
    for user in people:
        fake.add_user(user, user.lower())
    channel = fake.add_channel("big", members=people)
    first = client.conversations_members(channel=channel, limit=999)
    assert 0 < len(first["members"]) < 450 and first["response_metadata"]["next_cursor"]
    seen, cursor = list(first["members"]), first["response_metadata"]["next_cursor"]
    while cursor:
        page = client.conversations_members(channel=channel, limit=999, cursor=cursor)
        seen, cursor = seen + page["members"], page["response_metadata"]["next_cursor"]
    assert seen == people


def test_an_ephemeral_in_a_private_channel_the_bot_is_not_in_finds_no_channel(
    client: WebClient, fake: FakeSlack
) -> None:
    secret = fake.add_channel("secret", is_private=True, members=["U001"])
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postEphemeral(channel=secret, user="U001", text="hello")
    assert excinfo.value.response["error"] == "channel_not_found"


def test_message_metadata_is_checked_and_read_back_only_when_asked_for(client: WebClient) -> None:
    metadata = {"event_type": "incidentbot_delivery", "event_payload": {"key": "drill_inject:7"}}
    client.chat_postMessage(channel="C0000", text="Inject 1", metadata=metadata)
    for bad, error in (
        ({"event_payload": {"key": "x"}}, "invalid_metadata_schema"),
        ({"event_type": "incidentbot_delivery", "event_payload": "x"}, "invalid_metadata_schema"),
        ('["not", "an", "object"]', "invalid_metadata_format"),
    ):
        with pytest.raises(SlackApiError) as refused:
            client.api_call("chat.postMessage", json={"channel": "C0000", "text": "x", "metadata": bad})
        assert refused.value.response["error"] == error
    [plain_read] = client.conversations_history(channel="C0000")["messages"]
    assert "metadata" not in plain_read
    [with_metadata] = client.conversations_history(channel="C0000", include_all_metadata=True)["messages"]
    assert with_metadata["metadata"] == metadata
