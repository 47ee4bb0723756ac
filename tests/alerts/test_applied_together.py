"""Alerts accepted while the applying thread is busy are applied together, in one transaction."""

from __future__ import annotations

import threading

from incidentbot.wiring import ALERT_THREADS
from tests.alerts.helpers import (
    ALERT_CHANNEL,
    ALERTMANAGER,
    alertmanager,
    am_alert,
    groups,
    post,
    triage_posts,
)
from tests.e2e.helpers import pending_requests, wait_until
from tests.support.harness import RunningBot

ALERTS = 20


def test_alerts_waiting_for_the_applying_thread_are_applied_in_one_unit_and_shown_once(
    running: RunningBot,
) -> None:
    applying = running.bot.alerts.applying
    # Every applying thread busy elsewhere: the accepted alerts queue up behind it.
    release = threading.Event()
    busy = [running.bot.alert_pool.submit(release.wait, 30) for _ in range(ALERT_THREADS)]
    answers = [post(running, ALERTMANAGER, alertmanager(am_alert(f"f{n}"))).status for n in range(ALERTS)]
    assert answers == [202] * ALERTS
    assert len(pending_requests(running)) == ALERTS, "journalled before the answer, not applied yet"
    assert applying.units == 0

    release.set()
    for done in busy:
        done.result(timeout=10)
    wait_until(lambda: applying.units > 0 and not pending_requests(running), timeout=30)
    running.settle()
    assert applying.units == 1, "one transaction for every alert that was waiting"
    (group,) = groups(running)
    assert (group.received, group.firing) == (ALERTS, ALERTS)
    assert len(triage_posts(running)) == 1
    assert running.slack.count("chat.update") == 0, "one delivery showed them all"
    (shown,) = running.slack.messages(ALERT_CHANNEL)
    assert f"received {ALERTS} times" in str(shown["blocks"])


def test_a_lone_alert_is_applied_at_once_in_its_own_unit(running: RunningBot) -> None:
    applying = running.bot.alerts.applying
    assert post(running, ALERTMANAGER, alertmanager()).status == 202
    wait_until(lambda: applying.units > 0 and not pending_requests(running), timeout=30)
    assert applying.units == 1
    assert len(triage_posts(running)) == 1, "its triage message went out before the unit was counted"
