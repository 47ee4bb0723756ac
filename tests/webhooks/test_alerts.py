"""An alert taken in reaches the webhook receivers as `alert.received`, with no incident yet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from incidentbot.alerts.rules import AlertsSection
from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.webhooks.model import WebhookEndpoint
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, TOKEN, alertmanager, post
from tests.e2e.helpers import wait_until
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot
from tests.webhooks.conftest import SECRET
from tests.webhooks.helpers import deliver_all, pending, verified
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def alerting(
    slack: FakeSlack, database_url: str, clock: ManualClock, receiver: Receiver
) -> Iterator[RunningBot]:
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    team = TeamConfig(
        alerts=AlertsSection(channel=ALERT_CHANNEL),
        webhooks=(WebhookEndpoint(url=receiver.url, secret=SECRET, allow_http_loopback=True),),
    )
    with running_bot(slack, database_url, clock, team, alert_intake_token=TOKEN) as running:
        yield running


def test_an_alert_received_is_sent_as_alert_received(alerting: RunningBot, receiver: Receiver) -> None:
    assert post(alerting, ALERTMANAGER, alertmanager()).status == 202
    wait_until(lambda: pending(alerting) == 1)

    deliver_all(alerting)

    [got] = receiver.accepted
    assert verified(got, SECRET)
    assert got.payload["type"] == "alert.received" and got.payload["incident"] is None
    assert got.payload["data"]["title"] and got.payload["data"]["status"] == "firing"
    assert got.payload["data"]["labels"]["service"] == "checkout"
