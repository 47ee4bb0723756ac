"""Webhook subscribers: Statuspage's payload, retried on 500, removed on 410, no redirect, no SSRF."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from incidentbot.clock import ManualClock
from incidentbot.status_page import webhook_post
from incidentbot.status_page.sql_subscribers import sql_of
from incidentbot.status_page.webhook_guard import UnsafeWebhook, check_url, is_public
from tests.e2e.helpers import declare
from tests.status_page.helpers import API, GOOD
from tests.status_page.mailbox import Mailbox, smtp_server
from tests.status_page.receiver import Receiver, webhook_receiver
from tests.status_page.subscriber_helpers import bot_with_mail, post_form, publish
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot

LATER = timedelta(minutes=10)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as found:
        yield found


@pytest.fixture
def team(slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox) -> Iterator[RunningBot]:
    with bot_with_mail(slack, database_url, clock, mailbox, status_page_allow_private_webhooks=True) as bot:
        yield bot


def add_webhook(team: RunningBot, url: str) -> None:
    answer = post_form(team, {"webhook": url})
    assert answer.status == 200 and b"Webhook subscribed" in answer.body, answer.body


def subscribers(team: RunningBot) -> list[str]:
    with team.services.store.transaction() as tx:
        return [s.address for s in sql_of(tx).all()]


def test_an_update_is_posted_in_statuspage_shape(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    publish(team, declare(team), states={API: "major_outage"})
    [payload] = receiver.to("/hook")
    assert set(payload) == {"meta", "page", "incident"}
    assert payload["meta"]["unsubscribe"].startswith("http://localhost:3000/status/unsubscribe?token=")
    assert payload["meta"]["documentation"].startswith("https://")
    assert set(payload["page"]) == {"id", "status_indicator", "status_description"}
    assert payload["page"]["status_indicator"] == "critical"
    incident = payload["incident"]
    assert (incident["name"], incident["status"], incident["impact"]) == (
        "Checkout unavailable",
        "investigating",
        "critical",
    )
    [update] = incident["incident_updates"]
    assert update["body"] == GOOD and update["status"] == "investigating"


def test_a_500_is_retried_and_delivered_once(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    receiver.answers = [500]
    publish(team, declare(team), states={API: "major_outage"})
    assert len(receiver.to("/hook")) == 1
    team.clock.advance(LATER)
    assert team.fire_due().delivered == 1
    team.clock.advance(LATER)
    team.fire_due()
    assert len(receiver.to("/hook")) == 2, "one refused with 500, then one taken"


def test_a_410_removes_the_subscriber(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/gone")
    receiver.answers = [410]
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    assert subscribers(team) == []
    publish(team, incident, 2)
    assert len(receiver.to("/gone")) == 1


def test_a_redirect_is_not_followed(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/moved")
    receiver.answers = [302]
    publish(team, declare(team), states={API: "major_outage"})
    assert len(receiver.to("/moved")) == 1 and receiver.to("/redirected") == []


def test_a_private_address_is_refused_without_the_setting(
    slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox, receiver: Receiver
) -> None:
    with bot_with_mail(slack, database_url, clock, mailbox) as team:
        answer = post_form(team, {"webhook": receiver.url + "/hook"})
        assert answer.status == 400 and b"<strong>webhook</strong> resolves to a private" in answer.body
        assert subscribers(team) == []


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "0.0.0.0"],
)
def test_no_private_loopback_or_link_local_address_is_public(address: str) -> None:
    assert not is_public(address)


def test_every_resolved_address_is_checked() -> None:
    assert is_public("93.184.216.34")
    with pytest.raises(UnsafeWebhook, match="private, loopback"):
        check_url("http://localhost:9/hook", allow_private=False)
    with pytest.raises(UnsafeWebhook, match="http"):
        check_url("file:///etc/passwd", allow_private=False)
    with pytest.raises(UnsafeWebhook, match="user name"):
        check_url("http://user:pw@example.com/", allow_private=False)


def test_the_address_reached_is_checked_again_when_posting(receiver: Receiver) -> None:
    # A name that resolved to a public address when subscribing may point inside later.
    with pytest.raises(UnsafeWebhook):
        webhook_post.post(receiver.url + "/hook", {"meta": {}}, allow_private=False)
    assert receiver.to("/hook") == []
    assert webhook_post.post(receiver.url + "/hook", {"meta": {}}, allow_private=True) == 200
