"""A running bot that takes alerts: a token, and an alert channel in the team config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from incidentbot.alerts.rules import AlertsSection
from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from tests.alerts.helpers import ALERT_CHANNEL, TOKEN
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot


@pytest.fixture
def alerts_config() -> AlertsSection:
    return AlertsSection(channel=ALERT_CHANNEL)


@pytest.fixture
def running(
    slack: FakeSlack, database_url: str, clock: ManualClock, alerts_config: AlertsSection
) -> Iterator[RunningBot]:
    slack.add_channel("alerts", channel_id=ALERT_CHANNEL)
    with running_bot(
        slack, database_url, clock, TeamConfig(alerts=alerts_config), alert_intake_token=TOKEN
    ) as bot:
        yield bot
