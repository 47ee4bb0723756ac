"""Webhook subscribers: Statuspage's payload, retried on 500, removed on 410, no redirect, no SSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.clock import ManualClock
from incidentbot.status_page import webhook_post
from incidentbot.status_page.notify import OWED
from incidentbot.status_page.sql_subscriber_tables import status_page_deliveries
from incidentbot.status_page.sql_subscribers import sql_of
from incidentbot.status_page.webhook_guard import UnsafeWebhook, check_url, is_public
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_comms_texts import kept
from tests.status_page.helpers import API, GOOD, open_customer_form, submit_customer
from tests.status_page.mailbox import Mailbox
from tests.status_page.receiver import Receiver
from tests.status_page.subscriber_helpers import bot_with_mail, deliver_notices, post_form, publish
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot

LATER = timedelta(minutes=10)


@pytest.fixture
def mail_settings() -> dict[str, Any]:
    return {"status_page_allow_private_webhooks": True}


def add_webhook(team: RunningBot, url: str) -> None:
    answer = post_form(team, {"webhook": url})
    assert answer.status == 200 and b"Webhook subscribed" in answer.body, answer.body


def subscribers(team: RunningBot) -> list[str]:
    with team.services.store.transaction() as tx:
        return [s.address for s in sql_of(tx).all()]


def test_an_update_is_posted_in_statuspage_shape(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    publish(team, declare(team), states={API: "major_outage"})
    [payload] = [p for p in receiver.to("/hook") if "incident" in p]
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
    # No component changes state, so the incident's post is the only one.
    add_webhook(team, receiver.url + "/hook")
    receiver.answers = [500]
    publish(team, declare(team))
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
    publish(team, incident)
    assert subscribers(team) == []
    publish(team, incident, 2)
    assert len(receiver.to("/gone")) == 1


def test_a_redirect_is_not_followed(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/moved")
    receiver.answers = [302]
    publish(team, declare(team))
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


def component_posts(receiver: Receiver, path: str) -> list[dict[str, Any]]:
    return [payload for payload in receiver.to(path) if "component_update" in payload]


def test_a_component_change_is_posted_in_statuspage_shape(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    publish(team, declare(team), states={API: "major_outage"})
    [payload] = component_posts(receiver, "/hook")
    assert set(payload) == {"meta", "page", "component_update", "component"}
    assert payload["meta"]["unsubscribe"].startswith("http://localhost:3000/status/unsubscribe?token=")
    assert payload["page"]["status_indicator"] == "critical"
    change = payload["component_update"]
    assert set(change) >= {"created_at", "new_status", "old_status", "id", "component_id"}
    assert (change["old_status"], change["new_status"]) == ("operational", "major_outage")
    component = payload["component"]
    assert set(component) >= {"created_at", "id", "name", "status"}
    assert (component["name"], component["status"]) == (API, "major_outage")
    assert change["component_id"] == component["id"]
    assert [p for p in receiver.to("/hook") if "incident" in p], "the incident's own post as well"


def test_only_a_change_of_state_is_posted(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    team.clock.advance(timedelta(minutes=1))
    publish(team, incident, 2, states={API: "major_outage"})
    team.clock.advance(timedelta(minutes=1))
    publish(team, incident, 3, states={API: "degraded_performance"})
    changes = [
        (p["component_update"]["old_status"], p["component_update"]["new_status"])
        for p in component_posts(receiver, "/hook")
    ]
    assert changes == [("operational", "major_outage"), ("major_outage", "degraded_performance")]


def test_a_component_post_answered_500_is_retried_and_taken_once(
    team: RunningBot, receiver: Receiver
) -> None:
    add_webhook(team, receiver.url + "/hook")
    # The first two posts (the incident's and the component's) are refused, in either order.
    receiver.answers = [500, 500]
    publish(team, declare(team), states={API: "major_outage"})
    for _ in range(3):
        team.clock.advance(LATER)
        team.fire_due()
    posts = receiver.to("/hook")
    assert len(posts) == 4, "two refused, then each taken once"
    assert len(component_posts(receiver, "/hook")) == 2
    team.clock.advance(LATER)
    team.fire_due()
    assert len(receiver.to("/hook")) == 4, "nothing posted again once taken"


def test_a_private_incident_posts_no_component_change(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    incident = declare(team, private=True)
    publish_private = open_customer_form(team, incident.channel_id)
    assert not submit_customer(team, publish_private, states={API: "major_outage"}).body
    wait_until(lambda: kept(team, incident.id))
    deliver_notices(team)
    assert receiver.to("/hook") == []


def test_a_fan_out_run_again_posts_no_component_change_twice(team: RunningBot, receiver: Receiver) -> None:
    add_webhook(team, receiver.url + "/hook")
    publish(team, declare(team), states={API: "major_outage"})
    with team.services.store.transaction() as tx:
        subscribers = sql_of(tx)
        update_id = subscribers.db.execute(select(status_page_deliveries.c.update_id)).scalar_one()
        # As if the process died after its batch committed but before the fan-out was marked done.
        subscribers.fan_out(update_id, 0, 500, OWED, team.clock.now())
    team.clock.advance(LATER)
    team.fire_due()
    assert len(component_posts(receiver, "/hook")) == 1
    assert len(receiver.to("/hook")) == 2, "the incident's post and the component's, once each"
