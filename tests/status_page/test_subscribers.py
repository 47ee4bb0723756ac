"""Email subscribers: double opt-in, a mail per published update, one-click unsubscribe, real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

from incidentbot.status_page import overview, render_html
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_comms_texts import kept
from tests.e2e.update_helpers import submit_update
from tests.e2e.wrapup_helpers import last_modal, resolve
from tests.status_page.helpers import API, DASHBOARD, GOOD, page_config, published
from tests.status_page.mailbox import Mailbox, parts, path_of
from tests.status_page.subscriber_helpers import (
    deliver_notices,
    links,
    post_form,
    publish,
    subscribe,
)
from tests.support import signing
from tests.support.harness import RunningBot

READER = "reader@example.com"


def test_the_page_offers_the_subscribe_form(team: RunningBot) -> None:
    page = team.client.get("/status/").body.decode()
    assert '<form method="post" action="subscribe">' in page
    assert 'name="email"' in page and f'value="{API}"' in page


def test_a_confirmed_subscriber_receives_each_published_update(team: RunningBot, mailbox: Mailbox) -> None:
    answer = post_form(team, {"email": READER})
    assert answer.status == 200 and b"Check your inbox" in answer.body
    [confirmation] = mailbox.wait_for(READER)
    assert "Confirm" in confirmation["Subject"] and confirmation["From"] == "Acme status <status@acme.test>"
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    published(team, incident.id)
    assert mailbox.to(READER) == [confirmation], "nothing is sent before the link is followed"

    text, _ = parts(confirmation)
    [link] = links(text)
    assert team.client.get(path_of(link)).status == 200
    publish(team, incident, 2, states={API: "partial_outage"})
    [_, mail] = mailbox.wait_for(READER, 2)
    text, html = parts(mail)
    assert GOOD in text and GOOD in unescape(html)
    assert "Investigating" in mail["Subject"] and "Checkout unavailable" in mail["Subject"]
    assert "Next update by 2026-01-01 12:15 UTC" in text
    assert f"{API} (Partial outage)" in text and DASHBOARD not in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe in text and unsubscribe in html


def test_one_click_unsubscribe_stops_the_mail(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, READER)
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    [_, mail] = mailbox.wait_for(READER, 2)
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL.
    one_click = post_form(team, "List-Unsubscribe=One-Click", path_of(mail["List-Unsubscribe"].strip("<>")))
    assert one_click.status == 200 and b"Unsubscribed" in one_click.body
    publish(team, incident, 2)
    published(team, incident.id, 2)
    deliver_notices(team)
    assert len(mailbox.to(READER)) == 2
    again = post_form(team, "List-Unsubscribe=One-Click", path_of(mail["List-Unsubscribe"].strip("<>")))
    assert again.status == 404 and b"no longer valid" in again.body


def test_the_link_in_the_mail_asks_before_unsubscribing(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, READER)
    incident = declare(team)
    publish(team, incident)
    [_, mail] = mailbox.wait_for(READER, 2)
    page = team.client.get(path_of(mail["List-Unsubscribe"].strip("<>")))
    assert page.status == 200 and b"<button" in page.body
    token = path_of(mail["List-Unsubscribe"].strip("<>")).split("token=")[1]
    assert post_form(team, {"token": token}, "/status/unsubscribe").status == 200


def test_the_answer_never_tells_whether_an_address_is_subscribed(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, READER)
    again = post_form(team, {"email": READER})
    stranger = post_form(team, {"email": "someone@example.com"})
    assert (again.status, again.body) == (stranger.status, stranger.body)
    mailbox.wait_for("someone@example.com")
    assert len(mailbox.to(READER)) == 1, "a confirmed address gets no second confirmation"


def test_a_confirmation_link_works_once(team: RunningBot, mailbox: Mailbox) -> None:
    post_form(team, {"email": READER})
    [confirmation] = mailbox.wait_for(READER)
    [link] = links(parts(confirmation)[0])
    assert team.client.get(path_of(link)).status == 200
    used = team.client.get(path_of(link))
    assert used.status == 404 and b"submit the form on the status page again" in used.body
    assert team.client.get("/status/subscribe/confirm?token=guessed").status == 404


def test_only_the_chosen_components_are_mailed(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, "api@example.com", components=[API])
    subscribe(team, mailbox, "dash@example.com", components=[DASHBOARD])
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    mailbox.wait_for("api@example.com", 2)
    deliver_notices(team)
    assert len(mailbox.to("dash@example.com")) == 1, "only its confirmation"


def test_a_private_incident_and_internal_texts_reach_no_subscriber(
    team: RunningBot, mailbox: Mailbox
) -> None:
    subscribe(team, mailbox, READER)
    incident = declare(team, private=True)
    team.client.command("comms customer", channel_id=incident.channel_id, user_id="U001")
    view = last_modal(team)
    # Even a crafted submission carrying the status page's fields is kept, never sent out.
    state = {"text": {"value": signing.plain(GOOD)}, "status_page_name": {"value": signing.plain("Leak")}}
    metadata = view["private_metadata"].replace('{"', '{"status_page_next": 1, "', 1)
    assert not team.client.submit("comms_text", state, user_id="U001", private_metadata=metadata).body
    wait_until(lambda: kept(team, incident.id))
    response = submit_update(
        team, incident, "U001", theory="pg-03 pool exhausted", customer="Checkout is failing."
    )
    assert response.status == 200 and not response.body, response.body
    deliver_notices(team)
    assert len(mailbox.to(READER)) == 1, "only the confirmation"


IDENTIFIED = (
    "We've found the cause of the failed checkouts and are rolling out a fix. "
    "The next update will be posted by 12:45 UTC."
)
RESOLVED = (
    "The issue affecting checkout has been resolved as of 12:40 UTC. We know this stopped many of you "
    "from completing purchases, and we're sorry. We will publish a full report this week."
)


def test_a_subscriber_reads_exactly_the_customer_texts_in_order(team: RunningBot, mailbox: Mailbox) -> None:
    """Declared at SEV-1, a text with the API down, an update, then the resolution."""
    subscribe(team, mailbox, READER)
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    team.clock.advance(timedelta(minutes=10))
    team.client.command("status identified", channel_id=incident.channel_id, user_id="U001")
    wait_until(lambda: team.incident().status == "identified")
    internal = submit_update(
        team, incident, "U001", theory="pg-03 pool exhausted", customer="Checkout is failing."
    )
    assert internal.status == 200 and not internal.body, internal.body
    publish(team, incident, 2, text=IDENTIFIED, states={API: "partial_outage"})
    resolve(team, incident)
    publish(team, incident, 3, text=RESOLVED)
    deliver_notices(team)
    mails = mailbox.to(READER)[1:]
    texts = [parts(mail)[0] for mail in mails]
    assert [t.split("\r\n\r\n")[1].replace("\r\n", "\n") for t in texts] == [GOOD, IDENTIFIED, RESOLVED]
    assert [m["Subject"].split("]")[1].split(":")[0].strip() for m in mails] == [
        "Investigating",
        "Identified",
        "Resolved",
    ]
    assert "Next update by 2026-01-01 12:15 UTC" in texts[0] and "Next update by" in texts[1]
    assert "Next update by" not in texts[2], "a resolution promises no further update"
    assert not any("pg-03" in t or "Checkout is failing." in t for t in texts), "internal texts stay inside"


def test_a_static_copy_posts_the_form_to_the_bot() -> None:
    """Exported pages are served elsewhere: the form posts to the page's configured address."""
    config = page_config(url="https://bot.acme.example/status/")
    page = render_html.index(overview.build(config, [], datetime(2026, 1, 1, tzinfo=UTC)))
    assert '<form method="post" action="https://bot.acme.example/status/subscribe">' in page
