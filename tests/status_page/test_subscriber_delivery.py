"""Notices go through the outbox: an SMTP outage delays and loses none, a restart doubles none,
a bouncing address is suspended, and a fan-out run again owes nobody twice."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from incidentbot.clock import ManualClock
from incidentbot.status_page.notify import MAIL_BATCH, OWED
from incidentbot.status_page.sql_subscriber_tables import status_page_deliveries
from incidentbot.status_page.sql_subscribers import sql_of
from incidentbot.status_page.subscribers import BOUNCES_TO_SUSPEND, State
from incidentbot.store.tables import reminders
from tests.e2e.helpers import declare
from tests.status_page.helpers import API
from tests.status_page.mailbox import Mailbox
from tests.status_page.subscriber_helpers import bot_with_mail, deliver_notices, publish, subscribe
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot

READERS = [f"reader{n}@example.com" for n in range(3)]
LATER = timedelta(minutes=10)
"""Longer than any backoff of the first few attempts."""


def updates_received(mailbox: Mailbox, address: str) -> int:
    return sum(1 for mail in mailbox.to(address) if "Confirm" not in mail["Subject"])


def test_an_smtp_outage_delays_the_mail_and_loses_none(team: RunningBot, mailbox: Mailbox) -> None:
    for reader in READERS:
        subscribe(team, mailbox, reader)
    mailbox.busy = True
    incident = declare(team)
    publish(team, incident, states={API: "major_outage"})
    assert [updates_received(mailbox, r) for r in READERS] == [0, 0, 0]
    mailbox.busy = False
    team.clock.advance(LATER)
    assert team.fire_due().delivered == 1, "the three mails of one update go in one batch"
    team.clock.advance(LATER)
    team.fire_due()
    assert [updates_received(mailbox, r) for r in READERS] == [1, 1, 1]


def test_notices_queued_before_a_restart_are_sent_once_after_it(
    slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox
) -> None:
    with bot_with_mail(slack, database_url, clock, mailbox) as first:
        for reader in READERS:
            subscribe(first, mailbox, reader)
        mailbox.busy = True
        publish(first, declare(first), states={API: "major_outage"})
    mailbox.busy = False
    with bot_with_mail(slack, database_url, clock, mailbox) as second:
        clock.advance(LATER)
        second.fire_due()
        clock.advance(LATER)
        second.fire_due()
    assert [updates_received(mailbox, r) for r in READERS] == [1, 1, 1]


def test_an_address_that_keeps_bouncing_is_suspended(team: RunningBot, mailbox: Mailbox) -> None:
    subscribe(team, mailbox, READERS[0])
    mailbox.refuse.add(READERS[0])
    incident = declare(team)
    for count in range(1, BOUNCES_TO_SUSPEND + 2):
        team.clock.advance(timedelta(minutes=1))
        publish(team, incident, count, states={API: "major_outage"})
    assert mailbox.refused == [READERS[0]] * BOUNCES_TO_SUSPEND, "refused ones are not retried"
    with team.services.store.transaction() as tx:
        [subscriber] = sql_of(tx).all()
    assert subscriber.state is State.SUSPENDED


def test_a_fan_out_run_again_owes_nobody_twice(team: RunningBot, mailbox: Mailbox) -> None:
    for reader in READERS:
        subscribe(team, mailbox, reader)
    publish(team, declare(team), states={API: "major_outage"})
    with team.services.store.transaction() as tx:
        subscribers = sql_of(tx)
        update_id = subscribers.db.execute(select(status_page_deliveries.c.update_id)).scalars().first()
        assert update_id is not None
        # As if the process died after its batches committed but before the fan-out was marked done.
        assert subscribers.fan_out(update_id, 0, 2, OWED, team.clock.now()) is not None
        subscribers.fan_out(update_id, 0, 500, OWED, team.clock.now())
        owed = subscribers.db.execute(select(status_page_deliveries.c.id)).scalars().all()
        batches = subscribers.db.execute(
            select(reminders.c.payload).where(reminders.c.kind == MAIL_BATCH)
        ).scalars()
        batched = [delivery_id for payload in batches for delivery_id in json.loads(payload or "[]")]
    assert len(owed) == len(READERS)
    assert sorted(batched) == sorted(owed), "each notice in exactly one batch"
    deliver_notices(team)
    assert [updates_received(mailbox, r) for r in READERS] == [1, 1, 1]
