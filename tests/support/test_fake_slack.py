"""Self-tests of FakeSlack, driven by a real slack_sdk.WebClient over HTTP."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any
from urllib.error import HTTPError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.support.fake_slack import FakeSlack
from tests.support.interaction_ids import fresh_trigger_id


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=5)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def error_of(excinfo: pytest.ExceptionInfo[SlackApiError]) -> Any:
    return excinfo.value.response.get("error")


def test_a_trigger_id_opens_a_view_for_three_seconds_only(client: WebClient, fake: FakeSlack) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": []}
    client.views_open(trigger_id=fresh_trigger_id(), view=modal)
    late = f"{int((time.time() - 3.5) * 1000)}.9.faketrigger"
    for method in (client.views_open, client.views_push):
        with pytest.raises(SlackApiError) as excinfo:
            method(trigger_id=late, view=modal)
        assert error_of(excinfo) == "expired_trigger_id"


def test_a_trigger_id_of_the_wrong_shape_is_refused(client: WebClient, fake: FakeSlack) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": []}
    for trigger_id in ("T-trig-1", "1700000000.once", "1700000000.1.ONCE"):
        with pytest.raises(SlackApiError) as excinfo:
            client.views_open(trigger_id=trigger_id, view=modal)
        assert error_of(excinfo) == "invalid_trigger_id", trigger_id


def test_a_view_over_250_kilobytes_is_too_large(client: WebClient, fake: FakeSlack) -> None:
    text = {"type": "section", "text": {"type": "mrkdwn", "text": "é" * 1400}}
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": [text] * 90}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=fresh_trigger_id(), view=modal)
    assert error_of(excinfo) == "view_too_large"
    client.views_open(trigger_id=fresh_trigger_id(), view={**modal, "blocks": [text] * 80})


def test_a_view_title_over_24_characters_is_refused(client: WebClient, fake: FakeSlack) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=fresh_trigger_id(), view=modal)
    assert error_of(excinfo) == "invalid_arguments"
    client.views_open(
        trigger_id=fresh_trigger_id(), view={**modal, "title": {"type": "plain_text", "text": "x" * 24}}
    )


# --------------------------------------------------------------------------------------------
# basics


def test_auth_test_answers_as_the_bot(client: WebClient, fake: FakeSlack) -> None:
    answer = client.auth_test()
    assert (answer["user_id"], answer["bot_id"], answer["team_id"]) == ("UBOT", "BBOT", "T0001")
    call = fake.last("auth.test")
    assert call.token == "xoxb-test"
    assert call.ok


def test_post_then_update_a_message(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0000", text="hello", blocks=[section("hello")])
    second = client.chat_postMessage(channel="C0000", text="again")
    assert posted["channel"] == "C0000"
    assert posted["message"]["user"] == "UBOT"
    assert float(second["ts"]) > float(posted["ts"])

    client.chat_update(channel="C0000", ts=posted["ts"], text="edited", blocks=[section("x")])

    assert fake.last("chat.postMessage").args["text"] == "again"
    assert fake.last("chat.update").args["blocks"] == [section("x")]
    stored = fake.message("C0000", posted["ts"])
    assert stored is not None
    assert (stored["text"], "edited" in stored) == ("edited", True)


def test_update_of_an_unknown_ts_is_message_not_found(client: WebClient) -> None:
    client.chat_postMessage(channel="C0000", text="hello")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="C0000", ts="1600000000.000100", text="nope")
    assert error_of(excinfo) == "message_not_found"


def test_form_encoded_json_fields_are_decoded(client: WebClient, fake: FakeSlack) -> None:
    blocks = [section("form")]
    client.api_call(
        "chat.postMessage", params={"channel": "C0000", "text": "t", "blocks": json.dumps(blocks)}
    )
    assert fake.last("chat.postMessage").args["blocks"] == blocks


def test_missing_token_is_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=fake.url).chat_postMessage(channel="C0000", text="x")
    assert error_of(excinfo) == "not_authed"


def test_unknown_methods_answer_ok_and_are_recorded(client: WebClient, fake: FakeSlack) -> None:
    assert client.api_call("bookmarks.add", params={"channel_id": "C0000"})["ok"]
    assert fake.last("bookmarks.add").args == {"channel_id": "C0000"}


def test_posting_to_a_user_lands_in_their_stable_dm(client: WebClient, fake: FakeSlack) -> None:
    first = client.chat_postMessage(channel="U002", text="checklist")
    fake.bot_scopes |= {"im:write"}  # conversations.open needs it; the shipped manifest has no use for it
    opened = client.conversations_open(users="U002")
    assert first["channel"] == opened["channel"]["id"] == fake.dm_channel_id("U002")
    assert [m["text"] for m in fake.messages(first["channel"])] == ["checklist"]


def test_a_method_whose_scope_the_manifest_lacks_is_refused_as_slack_does(
    client: WebClient, fake: FakeSlack
) -> None:
    private = client.conversations_create(name="inc-1-private", is_private=True)["channel"]["id"]
    fake.bot_scopes -= {"groups:history"}
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel=private)
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "groups:history"
    assert client.conversations_history(channel="C0000")["ok"], "public channels need channels:history"


def test_permalink_and_ephemeral(client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0000", text="x")["ts"]
    link = client.chat_getPermalink(channel="C0000", message_ts=ts)["permalink"]
    assert link == f"https://example.slack.com/archives/C0000/p{ts.replace('.', '')}"
    assert client.chat_postEphemeral(channel="C0000", user="U001", text="psst")["message_ts"]


# --------------------------------------------------------------------------------------------
# users and channels


def test_users_info_and_unknown_user(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U009", "erin", "Erin E", tz="America/New_York", tz_offset=-18000)
    user = client.users_info(user="U009")["user"]
    assert (user["real_name"], user["tz_offset"], user["is_bot"]) == ("Erin E", -18000, False)
    assert user["profile"]["display_name"] == "erin"
    assert client.users_info(user="UBOT")["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U404")
    assert error_of(excinfo) == "user_not_found"


def test_conversations_create_invite_topic_members(client: WebClient, fake: FakeSlack) -> None:
    created = client.conversations_create(name="inc-42-db-down", is_private=False)["channel"]
    cid = created["id"]
    assert cid.startswith("C") and created["name"] == "inc-42-db-down"

    client.conversations_invite(channel=cid, users=["U001", "U002"])
    assert fake.last("conversations.invite").args["users"] == ["U001", "U002"]
    client.conversations_invite(channel=cid, users="U002,U003")  # partly new: still ok
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_invite(channel=cid, users="U001,U003")
    assert error_of(excinfo) == "already_in_channel"

    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_invite(channel=cid, users="UBOT,U004")
    assert error_of(excinfo) == "cant_invite_self"
    assert fake.members(cid) == ["UBOT", "U001", "U002", "U003"]

    client.conversations_setTopic(channel=cid, topic="SEV1 | commander alice")
    info = client.conversations_info(channel=cid)["channel"]
    assert info["topic"]["value"] == "SEV1 | commander alice"
    members = client.conversations_members(channel=cid)["members"]
    assert members == ["UBOT", "U001", "U002", "U003"]


def test_conversations_create_name_rules(client: WebClient) -> None:
    client.conversations_create(name="inc-1")
    for name, expected in [
        ("inc-1", "name_taken"),
        ("Inc 2!", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
    ]:
        with pytest.raises(SlackApiError) as excinfo:
            client.conversations_create(name=name)
        assert error_of(excinfo) == expected


def test_injected_name_taken(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("conversations.create", error="name_taken")
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_create(name="inc-7")
    assert error_of(excinfo) == "name_taken"
    assert client.conversations_create(name="inc-7")["ok"]  # only once
    assert [c.error for c in fake.calls_to("conversations.create")] == ["name_taken", None]
    assert len(fake.ok_calls_to("conversations.create")) == 1


def test_pins_and_reactions(client: WebClient, fake: FakeSlack) -> None:
    ts = client.chat_postMessage(channel="C0000", text="summary")["ts"]
    client.pins_add(channel="C0000", timestamp=ts)
    assert fake.pins_in("C0000") == [ts]
    client.reactions_add(channel="C0000", timestamp=ts, name="pushpin")
    with pytest.raises(SlackApiError) as excinfo:
        client.reactions_add(channel="C0000", timestamp=ts, name="pushpin")
    assert error_of(excinfo) == "already_reacted"
    fake.add_reaction("C0000", ts, "pushpin", "U001")
    got = client.reactions_get(channel="C0000", timestamp=ts)["message"]["reactions"]
    assert got == [{"name": "pushpin", "users": ["UBOT", "U001"], "count": 2}]
    client.reactions_remove(channel="C0000", timestamp=ts, name="pushpin")
    assert fake.reactions_on("C0000", ts) == {"pushpin": ["U001"]}


# --------------------------------------------------------------------------------------------
# message store


def test_history_and_replies(client: WebClient, fake: FakeSlack) -> None:
    fake.add_message("C0100", "1700000001.000100", user="U001", text="db is down")
    fake.add_message("C0100", "1700000002.000100", user="U002", text="looking", thread_ts="1700000001.000100")
    fake.add_message("C0100", "1700000003.000100", user="U003", text="fixed", bot_id=None)

    history = client.conversations_history(channel="C0100")["messages"]
    assert [m["text"] for m in history] == ["fixed", "db is down"]
    assert history[1]["reply_count"] == 1

    ranged = client.conversations_history(
        channel="C0100", oldest="1700000001.000100", latest="1700000003.000100", inclusive=True
    )["messages"]
    assert len(ranged) == 2
    exclusive = client.conversations_history(
        channel="C0100", oldest="1700000001.000100", latest="1700000003.000100"
    )["messages"]
    assert exclusive == []

    thread = client.conversations_replies(channel="C0100", ts="1700000001.000100")["messages"]
    assert [m["text"] for m in thread] == ["db is down", "looking"]
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_replies(channel="C0100", ts="1600000000.000000")
    assert error_of(excinfo) == "thread_not_found"


def test_bot_posts_land_in_history(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C0000", text="parent")["ts"]
    client.chat_postMessage(channel="C0000", text="reply", thread_ts=parent)
    history = client.conversations_history(channel="C0000")["messages"]
    assert [m["text"] for m in history] == ["parent"]
    assert history[0]["reply_count"] == 1


# --------------------------------------------------------------------------------------------
# Block Kit limits


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([{"type": "divider"}] * 51, "invalid_blocks"),
        ([section("x" * 3001)], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
    ],
    ids=["51-blocks", "long-section", "long-header"],
)
def test_slack_rejects_oversized_blocks(
    client: WebClient, fake: FakeSlack, blocks: list[dict[str, Any]], expected: str
) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0000", text="t", blocks=blocks)
    assert error_of(excinfo) == expected
    assert fake.last("chat.postMessage").error == expected


def test_fifty_blocks_and_long_text_limits(client: WebClient) -> None:
    assert client.chat_postMessage(channel="C0000", text="t", blocks=[{"type": "divider"}] * 50)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0000", text="x" * 40_001)
    assert error_of(excinfo) == "msg_too_long"


def test_views_open_update_publish(client: WebClient, fake: FakeSlack) -> None:
    modal = {
        "type": "modal",
        "callback_id": "declare",
        "title": {"type": "plain_text", "text": "Declare"},
        "blocks": [section("form")],
    }
    opened = client.views_open(trigger_id="1700000000.1.trig", view=modal)["view"]
    assert opened["id"].startswith("V")
    updated = client.views_update(view_id=opened["id"], view={**modal, "blocks": []})["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    home = {"type": "home", "blocks": [section("home")]}
    client.views_publish(user_id="U001", view=home)
    assert fake.home_views["U001"]["blocks"] == [section("home")]
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(
            trigger_id="1700000000.2.trig", view={**modal, "blocks": [{"type": "divider"}] * 101}
        )
    assert error_of(excinfo) == "invalid_arguments"


def test_a_trigger_id_opens_one_view(client: WebClient, fake: FakeSlack) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": []}
    client.views_open(trigger_id="1700000000.1.once", view=modal)
    for method in (client.views_open, client.views_push):
        with pytest.raises(SlackApiError) as excinfo:
            method(trigger_id="1700000000.1.once", view=modal)
        assert error_of(excinfo) == "exchanged_trigger_id"
    client.views_push(trigger_id="1700000000.2.once", view=modal)


# --------------------------------------------------------------------------------------------
# faults


def test_429_is_retried_by_the_rate_limit_handler(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("chat.postMessage", status=429, retry_after=0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    assert client.chat_postMessage(channel="C0000", text="eventually")["ok"]
    calls = fake.calls_to("chat.postMessage")
    assert [(c.status, c.error) for c in calls] == [(429, "ratelimited"), (200, None)]
    assert len(fake.ok_calls_to("chat.postMessage")) == 1


def test_429_without_a_handler_surfaces_retry_after(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("*", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0000", text="x")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"


def test_500_json_and_plain_text(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("users.info", status=500)
    fake.inject("users.info", status=500, body="<html>upstream broke</html>")
    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            client.users_info(user="U001")
        assert excinfo.value.response.status_code == 500
    assert client.users_info(user="U001")["ok"]
    assert [c.status for c in fake.calls_to("users.info")] == [500, 500, 200]


def test_outage_answers_503_until_it_ends(client: WebClient, fake: FakeSlack) -> None:
    fake.outage(0.3)
    with pytest.raises(SlackApiError) as excinfo:
        client.auth_test()
    assert excinfo.value.response.status_code == 503
    time.sleep(0.35)
    assert client.auth_test()["ok"]


def test_fail_ratio_is_seeded_and_repeatable(fake: FakeSlack) -> None:
    def pattern() -> list[int]:
        fake.reset()
        fake.fail_ratio("*", 0.5, status=500, seed=7)
        client = WebClient(token="xoxb-test", base_url=fake.url)
        for _ in range(12):
            try:
                client.auth_test()
            except SlackApiError:
                pass
        return [c.status for c in fake.calls]

    first = pattern()
    assert first == pattern()
    assert {200, 500} == set(first)


def test_latency_is_applied(client: WebClient, fake: FakeSlack) -> None:
    fake.latency = 0.2
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.2


# --------------------------------------------------------------------------------------------
# waiting and files


def test_wait_for_sees_calls_made_later(fake: FakeSlack) -> None:
    def later() -> None:
        time.sleep(0.1)
        WebClient(token="xoxb-test", base_url=fake.url).chat_postMessage(channel="C0000", text="x")

    worker = threading.Thread(target=later)
    worker.start()
    calls = fake.wait_for("chat.postMessage", timeout=3)
    worker.join()
    assert calls[0].args["text"] == "x"


def test_wait_for_times_out_naming_what_was_seen(client: WebClient, fake: FakeSlack) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test") as excinfo:
        fake.wait_for("chat.postMessage", timeout=0.1)
    assert "chat.postMessage" in str(excinfo.value)


def test_files_upload_v2_round_trip(client: WebClient, fake: FakeSlack) -> None:
    content = b"timeline\n- 10:00 paged\n" * 100
    done = client.files_upload_v2(
        channel="C0000",
        filename="timeline.md",
        content=content,
        title="Timeline",
        initial_comment="postmortem draft",
    )
    file_id = done["file"]["id"]
    assert fake.uploaded_files[file_id] == content
    assert done["file"]["title"] == "Timeline"
    assert fake.last("files.getUploadURLExternal").args["length"] == str(len(content))
    assert fake.last("files.completeUploadExternal").args["files"][0]["id"] == file_id
    shared = fake.messages("C0000")[-1]
    assert (shared["text"], shared["files"][0]["id"]) == ("postmortem draft", file_id)


def _upload_step_one(client: WebClient, content: bytes, length: int | None = None) -> tuple[str, str]:
    started = client.files_getUploadURLExternal(
        filename="card.md", length=len(content) if length is None else length
    )
    file_id, url = str(started["file_id"]), str(started["upload_url"])
    assert (
        client._upload_file(
            url=url, data=content, logger=client.logger, timeout=5, proxy=None, ssl=None
        ).status
        == 200
    )
    return file_id, url


def test_an_upload_is_completed_only_with_the_length_promised_in_a_channel_the_bot_is_in(
    client: WebClient, fake: FakeSlack
) -> None:
    file_id, _ = _upload_step_one(client, b"12345", length=4)
    with pytest.raises(SlackApiError) as short:
        client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0GENERAL")
    assert short.value.response["error"] == "invalid_arguments"
    outside = fake.add_channel("elsewhere", members=["U001"])
    file_id, url = _upload_step_one(client, b"12345")
    with pytest.raises(SlackApiError) as refused:
        client.files_completeUploadExternal(files=[{"id": file_id}], channel_id=outside)
    assert refused.value.response["error"] == "not_in_channel"
    assert not fake.messages(outside)
    done = client.files_completeUploadExternal(
        files=[{"id": file_id, "title": "Card"}], channel_id="C0GENERAL"
    )
    assert done["files"][0]["id"] == file_id
    with pytest.raises(HTTPError) as again:
        client._upload_file(url=url, data=b"12345", logger=client.logger, timeout=5, proxy=None, ssl=None)
    assert again.value.code == 404, "a completed upload's URL takes no more bytes"


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    body = json.dumps({"text": "done", "response_type": "ephemeral"}).encode()
    request = urllib.request.Request(
        fake.response_url("abc"), data=body, headers={"Content-Type": "application/json"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as answer:
        assert answer.status == 200
    assert fake.last("response_url").args == {
        "text": "done",
        "response_type": "ephemeral",
        "_key": "abc",
    }


def test_the_fake_itself_had_no_internal_errors(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0000", text="x")
    assert fake.server_errors == []


# --------------------------------------------------------------------------------------------
# date tokens: Slack shows a malformed `<!date^…>` literally, so the fake refuses one


@pytest.mark.parametrize(
    "text",
    [
        "due <!date^1767270600^{time}>",  # no fallback
        "due <!date^soon^{time}|12:30 UTC>",  # not a timestamp
        "due <!date^1767270600^{clock}|12:30 UTC>",  # no such token
        "due <!date^1767270600^at noon|12:30 UTC>",  # no token at all
        "due <!date^1767270600^{time}|12:30 UTC",  # never closed
    ],
)
def test_a_malformed_date_token_is_refused(client: WebClient, text: str) -> None:
    for message in ({"text": text}, {"text": "due", "blocks": [section(text)]}):
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel="C0000", **message)
        assert error_of(excinfo) == "invalid_arguments"


def test_a_well_formed_date_token_is_taken(client: WebClient) -> None:
    text = "due <!date^1767270600^{date_short_pretty} at {time}^https://example.com|12:30 UTC> ok"
    posted = client.chat_postMessage(channel="C0000", text=text, blocks=[section(text)])
    assert posted["ok"]


def test_posting_to_a_public_channel_needs_membership_or_chat_write_public(
    client: WebClient, fake: FakeSlack
) -> None:
    outside = fake.add_channel("announcements", members=["U001"])
    hidden = fake.add_channel("leadership", is_private=True, members=["U001"])
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=outside, text="hi")
    assert refused.value.response.status_code == 200
    assert refused.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as invisible:
        client.chat_postMessage(channel=hidden, text="hi")
    assert invisible.value.response["error"] == "channel_not_found"
    fake.bot_scopes.add("chat:write.public")
    assert client.chat_postMessage(channel=outside, text="hi")["ok"]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=hidden, text="hi")  # the scope covers public channels only


def test_the_granted_scopes_are_the_manifests(fake: FakeSlack) -> None:
    assert {"chat:write", "commands"} <= fake.bot_scopes


def test_a_token_slack_did_not_issue_is_invalid_auth(fake: FakeSlack) -> None:
    fake.refused_tokens.add("xoxb-revoked")
    for token in ("xoxb-revoked", "not-a-token"):
        with pytest.raises(SlackApiError) as refused:
            WebClient(token=token, base_url=fake.url).auth_test()
        assert refused.value.response.status_code == 200
        assert refused.value.response.data == {"ok": False, "error": "invalid_auth"}


def test_socket_mode_urls_need_an_app_level_token(fake: FakeSlack) -> None:
    assert WebClient(token="xapp-1", base_url=fake.url).apps_connections_open(app_token="xapp-1")["ok"]
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-1", base_url=fake.url).apps_connections_open(app_token="xoxb-1")
    assert refused.value.response["error"] == "not_allowed_token_type"
