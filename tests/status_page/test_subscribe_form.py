"""The subscribe form refuses bad input with a page naming the field, and limits how often it is used."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.status_page.mailbox import Mailbox
from tests.status_page.subscriber_helpers import FORM, post_form
from tests.support.harness import RunningBot


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"email": "not-an-address"}, b"<strong>email</strong> is not an email address"),
        ({"email": "a@example.com\r\nBcc: victim@example.com"}, b"<strong>email</strong> holds a line break"),
        (
            {"email": "a@example.com", "components": "Billing"},
            b"<strong>components</strong> &#39;Billing&#39;",
        ),
        ({"email": "a" * 10_000 + "@example.com"}, b"<strong>email</strong> is longer than 1000"),
        ({}, b"<strong>email</strong> give an email address"),
        ({"email": "<script>@example.com"}, b"<strong>email</strong> is not an email address"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    team: RunningBot, mailbox: Mailbox, fields: dict[str, str], named: bytes
) -> None:
    answer = post_form(team, fields)
    assert answer.status == 400 and named in answer.body, answer.body
    assert b"submit the form again" in answer.body
    assert b"<script>" not in answer.body
    assert not mailbox.received


def test_a_body_too_large_or_not_a_form_is_refused(team: RunningBot) -> None:
    huge = team.client._send("POST", "/status/subscribe", b"email=" + b"a" * 40_000, {"Content-Type": FORM})
    assert huge.status == 413 and b"<strong>form</strong>" in huge.body
    json = team.client._send(
        "POST", "/status/subscribe", b'{"email": 1}', {"Content-Type": "application/json"}
    )
    assert json.status == 415
    binary = team.client._send("POST", "/status/subscribe", b"email=\xff\xfe", {"Content-Type": FORM})
    assert binary.status == 400 and b"UTF-8" in binary.body


def test_one_address_gets_few_confirmations(team: RunningBot, mailbox: Mailbox) -> None:
    answers = [post_form(team, {"email": "flooded@example.com"}).status for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = post_form(team, {"email": "flooded@example.com"})
    assert b"Wait 15 minutes" in limited.body and limited.headers["Retry-After"] == "900"
    assert len(mailbox.wait_for("flooded@example.com", 3)) == 3
    team.clock.advance(timedelta(minutes=16))
    assert post_form(team, {"email": "flooded@example.com"}).status == 200


def test_one_client_cannot_subscribe_a_list_of_addresses(team: RunningBot) -> None:
    answers = [post_form(team, {"email": f"reader{n}@example.com"}).status for n in range(21)]
    assert answers.count(429) == 1 and answers[-1] == 429


def test_an_smtp_outage_asks_the_reader_to_try_again(team: RunningBot, mailbox: Mailbox) -> None:
    mailbox.busy = True
    answer = post_form(team, {"email": "reader@example.com"})
    assert answer.status == 503 and b"submit the form again in a few minutes" in answer.body
