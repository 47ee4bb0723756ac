"""A storm is grouped: 500 alerts of one group within a minute make one triage message."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from incidentbot.alerts.rules import AlertsSection
from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    alertmanager,
    am_alert,
    deliver_held,
    groups,
    post,
    triage_posts,
)
from tests.e2e.helpers import pending_requests, wait_until
from tests.support.harness import RunningBot

REQUESTS = 50
ALERTS_EACH = 10


@pytest.fixture
def alerts_config() -> AlertsSection:
    return AlertsSection(channel=ALERT_CHANNEL, rate_per_minute=REQUESTS * ALERTS_EACH)


def _batch(request: int) -> dict[str, object]:
    return alertmanager(*(am_alert(f"f{request}-{n}") for n in range(ALERTS_EACH)))


def test_500_alerts_of_one_group_at_once_post_one_message_and_count_every_alert(running: RunningBot) -> None:
    with ThreadPoolExecutor(8) as senders:
        answers = list(senders.map(lambda n: post(running, ALERTMANAGER, _batch(n)), range(REQUESTS)))
    assert [answer.status for answer in answers] == [202] * REQUESTS
    wait_until(lambda: not pending_requests(running), timeout=120)
    deliver_held(running)
    group = groups(running)[0]
    assert (group.received, group.firing) == (REQUESTS * ALERTS_EACH, REQUESTS * ALERTS_EACH)
    assert len(groups(running)) == 1
    assert len(triage_posts(running)) == 1
    edits = running.slack.ok_calls_to("chat.update")
    assert len(edits) < REQUESTS, "edits serve many batches each"
    shown = running.slack.messages(ALERT_CHANNEL)
    assert len(shown) == 1 and "received 500 times" in str(shown[0]["blocks"])
