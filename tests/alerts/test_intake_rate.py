"""Each sender's pace, here three alerts a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.alerts.rules import AlertsSection
from tests.alerts.helpers import ALERT_CHANNEL, ALERTMANAGER, EVENTS_V2, TOKEN, alertmanager, am_alert, post
from tests.support.harness import RunningBot

EVENT = {
    "routing_key": TOKEN,
    "event_action": "trigger",
    "dedup_key": "checkout-5xx",
    "payload": {"summary": "Checkout 5xx above 2%", "source": "prometheus", "severity": "critical"},
}


@pytest.fixture
def alerts_config() -> AlertsSection:
    return AlertsSection(channel=ALERT_CHANNEL, rate_per_minute=3)


def test_a_sender_over_its_rate_gets_429_with_retry_after(running: RunningBot) -> None:
    for _ in range(3):
        assert post(running, ALERTMANAGER, alertmanager()).status == 202
    over = post(running, ALERTMANAGER, alertmanager())
    assert over.status == 429
    assert over.headers["Retry-After"] == "60"
    assert post(running, EVENTS_V2, EVENT).status == 202, "each sender has a budget of its own"
    running.clock.advance(timedelta(seconds=61))
    assert post(running, ALERTMANAGER, alertmanager(am_alert("f2"))).status == 202
