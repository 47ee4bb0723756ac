"""The subscribe form refuses bad input with a page naming the field, and limits how often it is used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from incidentbot.status_page.notify import CONFIRMATION
from incidentbot.store.tables import reminders
from tests.status_page.mailbox import Mailbox, parts, path_of
from tests.status_page.subscriber_helpers import FORM, links, post_form
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
    answers = []
    for count in range(1, 4):
        answers.append(post_form(team, {"email": "flooded@example.com"}).status)
        # Each mail before the next submission: a newer link makes an unsent older one obsolete.
        mailbox.wait_for("flooded@example.com", count)
    answers.append(post_form(team, {"email": "flooded@example.com"}).status)
    assert answers == [200, 200, 200, 429]
    limited = post_form(team, {"email": "flooded@example.com"})
    assert b"Wait 15 minutes" in limited.body and limited.headers["Retry-After"] == "900"
    team.settle()
    assert len(mailbox.to("flooded@example.com")) == 3
    team.clock.advance(timedelta(minutes=16))
    assert post_form(team, {"email": "flooded@example.com"}).status == 200


def test_one_client_cannot_subscribe_a_list_of_addresses(team: RunningBot) -> None:
    answers = [post_form(team, {"email": f"reader{n}@example.com"}).status for n in range(21)]
    assert answers.count(429) == 1 and answers[-1] == 429


def test_an_smtp_outage_changes_no_answer_and_the_confirmation_follows(
    team: RunningBot, mailbox: Mailbox
) -> None:
    up = post_form(team, {"email": "first@example.com"})
    mailbox.wait_for("first@example.com")
    mailbox.busy = True
    down = post_form(team, {"email": "reader@example.com"})
    assert (down.status, down.body) == (up.status, up.body)
    team.settle()  # the attempt after the answer failed and was given back with its backoff
    assert not mailbox.to("reader@example.com")
    mailbox.busy = False
    team.clock.advance(timedelta(minutes=1))
    assert team.fire_due().delivered == 1
    team.clock.advance(timedelta(minutes=10))
    team.fire_due()
    [confirmation] = mailbox.to("reader@example.com")
    [link] = links(parts(confirmation)[0])
    assert team.client.get(path_of(link)).status == 200


def test_a_newer_link_makes_an_unsent_one_obsolete(team: RunningBot, mailbox: Mailbox) -> None:
    mailbox.busy = True
    post_form(team, {"email": "reader@example.com"})
    team.settle()
    post_form(team, {"email": "reader@example.com"})
    team.settle()
    mailbox.busy = False
    team.clock.advance(timedelta(minutes=1))
    report = team.fire_due()
    assert (report.delivered, report.cancelled) == (1, 1)
    [confirmation] = mailbox.to("reader@example.com")
    [link] = links(parts(confirmation)[0])
    assert team.client.get(path_of(link)).status == 200


def test_the_token_leaves_the_outbox_once_mailed(team: RunningBot, mailbox: Mailbox) -> None:
    post_form(team, {"email": "reader@example.com"})
    mailbox.wait_for("reader@example.com")
    team.settle()
    with team.bot.engine.connect() as db:
        rows = db.execute(
            select(reminders.c.state, reminders.c.payload).where(reminders.c.kind == CONFIRMATION)
        ).all()
    assert [(row.state, row.payload) for row in rows] == [("done", None)]
