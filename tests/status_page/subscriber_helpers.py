"""Steps shared by the subscriber tests: a bot with mail, the form, and confirmed subscribers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from incidentbot.clock import ManualClock
from incidentbot.kernel.reminder_rows import ReminderState
from incidentbot.kernel.reminders import FireReport
from incidentbot.status_page.notify import FAN_OUT
from incidentbot.store.tables import reminders
from tests.e2e.helpers import wait_until
from tests.status_page.helpers import open_customer_form, published, submit_customer, team_with_page
from tests.status_page.mailbox import Mailbox, parts, path_of
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.support.signing import Response

FORM = "application/x-www-form-urlencoded"
SENDER = "Acme status <status@acme.test>"
LINK = re.compile(r"https?://\S+")


@contextmanager
def bot_with_mail(
    slack: FakeSlack, database_url: str, clock: ManualClock, mailbox: Mailbox, **settings: Any
) -> Iterator[RunningBot]:
    with running_bot(
        slack,
        database_url,
        clock,
        team_with_page(),
        smtp_url=mailbox.url,
        status_page_from=SENDER,
        **settings,
    ) as bot:
        yield bot


def post_form(
    running: RunningBot, fields: dict[str, Any] | str | bytes, path: str = "/status/subscribe"
) -> Response:
    if isinstance(fields, dict):
        body = urlencode(fields, doseq=True).encode()
    else:
        body = fields.encode() if isinstance(fields, str) else fields
    return running.client._send("POST", path, body, {"Content-Type": FORM})


def links(text: str) -> list[str]:
    return LINK.findall(text)


def subscribe(running: RunningBot, mailbox: Mailbox, address: str, **fields: Any) -> None:
    """Subscribe through the form and follow the confirmation link, as a reader would."""
    count = len(mailbox.to(address))
    answer = post_form(running, {"email": address, **fields})
    assert answer.status == 200, answer.body
    confirmation = mailbox.wait_for(address, count + 1)[-1]
    text, _ = parts(confirmation)
    [link] = links(text)
    followed = running.client.get(path_of(link))
    assert followed.status == 200 and b"Subscription confirmed" in followed.body, followed.body


def publish(running: RunningBot, incident: Any, count: int = 1, **kw: Any) -> None:
    """Post the incident's `count`th customer text through the form, then let the scheduler send
    what it owes."""
    view = open_customer_form(running, incident.channel_id)
    assert not submit_customer(running, view, **kw).body
    published(running, incident.id, count)
    deliver_notices(running)


def deliver_notices(running: RunningBot) -> FireReport:
    """Once every fan-out is done (the publishing thread runs it), send the notices it owed,
    as the scheduler's next tick would."""
    fanning = (
        select(func.count())
        .select_from(reminders)
        .where(reminders.c.kind == FAN_OUT, reminders.c.state == ReminderState.PENDING.value)
    )

    def fanned_out() -> bool:
        with running.bot.engine.connect() as db:
            return db.execute(fanning).scalar_one() == 0

    wait_until(fanned_out)
    return running.fire_due()
