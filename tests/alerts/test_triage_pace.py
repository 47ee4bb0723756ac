"""An edit waiting behind another of the same triage message waits its turn, not a growing backoff."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.kernel import outbox
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import Reminder, ReminderState
from incidentbot.kernel.reminders import LEASE
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

OTHER_REPLICA = "other-replica"
REPEATS = 6


def _delivery_under_way_elsewhere(running: RunningBot, group_id: int) -> Reminder:
    """A delivery of the group's message that another replica has claimed and is still sending."""
    now = running.clock.now()
    with running.services.store.transaction() as tx:
        row = outbox.enqueue(tx, OutboxKind.ALERT_TRIAGE, None, group_id, now)
        claimed = tx.claim_reminder_ids([row.id], OTHER_REPLICA, now, now + LEASE)
    assert claimed, "the replica holds the delivery"
    return claimed[0]


def _raced_in(running: RunningBot, group_id: int) -> Reminder:
    """A second waiting delivery, as two batches committing while the first waiter was tried make."""
    with running.services.store.transaction() as tx:
        return outbox.enqueue(tx, OutboxKind.ALERT_TRIAGE, None, group_id, running.clock.now())


def _finished_elsewhere(running: RunningBot, row: Reminder) -> None:
    with running.services.store.transaction() as tx:
        assert tx.finish_reminder(row.id, OTHER_REPLICA, ReminderState.DONE, running.clock.now())


def _wait_until_put_back(running: RunningBot, group_id: int, times: int) -> None:
    """Until the waiting delivery of the group's message was tried and put back `times` times.

    Each batch's thread reuses that row and claims it only after its batch is applied, so the
    applied request and an idle `settle` do not yet say that the try is over.
    """

    def put_back() -> bool:
        with running.services.store.transaction() as tx:
            rows = tx.outbox_rows(OutboxKind.ALERT_TRIAGE, group_id)
        return sum(row.attempts for row in rows if row.claimed_by is None) >= times

    wait_until(put_back)


def _shown_text(running: RunningBot) -> str:
    [message] = running.slack.messages(ALERT_CHANNEL)
    return str(message["blocks"])


def test_after_a_storm_the_message_shows_the_final_count_a_moment_after_the_edit_ahead_of_it(
    running: RunningBot,
) -> None:
    assert post(running, ALERTMANAGER, alertmanager(am_alert("f0"))).status == 202
    wait_until(lambda: running.slack.messages(ALERT_CHANNEL))
    running.settle()
    ahead = _delivery_under_way_elsewhere(running, groups(running)[0].id)
    for n in range(1, REPEATS):
        # Each batch's own thread tries the waiting edit at once and finds it must wait.
        assert post(running, ALERTMANAGER, alertmanager(am_alert(f"f{n}"))).status == 202
        _wait_until_put_back(running, groups(running)[0].id, times=n)
        running.settle()
    assert f"received {REPEATS} times" not in _shown_text(running), "nothing overtakes the edit under way"
    raced = _raced_in(running, groups(running)[0].id)
    _finished_elsewhere(running, ahead)
    edits_before = len(running.slack.ok_calls_to("chat.update"))

    outbox.send_now(running.services, [raced])  # its batch's thread tries it first
    running.clock.advance(timedelta(seconds=2))
    running.fire_due()

    shown = _shown_text(running)
    assert f"*{REPEATS}* firing" in shown and f"received {REPEATS} times" in shown
    assert len(running.slack.ok_calls_to("chat.update")) - edits_before == 1, "one edit serves every repeat"


def test_an_edit_behind_a_busy_channel_goes_back_to_wait_instead_of_holding_a_thread_asleep(
    running: RunningBot,
) -> None:
    assert post(running, ALERTMANAGER, alertmanager(am_alert("f0"))).status == 202
    wait_until(lambda: running.slack.messages(ALERT_CHANNEL))
    running.settle()
    pacer = running.bot.deps.workspace.pacer
    pacer._interval = 60.0
    pacer.wait(ALERT_CHANNEL)  # the channel's next slot is a minute away
    assert post(running, ALERTMANAGER, alertmanager(am_alert("f1"))).status == 202
    wait_until(lambda: not pending_requests(running))

    running.settle()  # no delivery is left asleep in the pacer

    assert groups(running)[0].received == 2
    assert "received 2 times" not in _shown_text(running)
    pacer._interval = 0.0
    pacer._next.clear()
    running.clock.advance(timedelta(seconds=2))
    running.fire_due()
    assert "received 2 times" in _shown_text(running)


def test_first_posts_behind_a_busy_channel_wait_in_the_queue_and_the_applying_threads_keep_up(
    running: RunningBot,
) -> None:
    pacer = running.bot.deps.workspace.pacer
    pacer._interval = 15.0
    pacer.wait(ALERT_CHANNEL)  # the channel's next slot is 15 s away
    for n in range(3):  # three new groups, one more than the threads that apply alerts
        body = alertmanager(am_alert(f"f{n}"), group_key=f'{{}}:{{alertname="Group{n}"}}')
        assert post(running, ALERTMANAGER, body).status == 202

    # Every alert is applied at once: no applying thread sleeps until the channel's slot.
    wait_until(lambda: not pending_requests(running), timeout=5.0)
    running.settle()
    assert [group.received for group in groups(running)] == [1, 1, 1]
    assert triage_posts(running) == []

    pacer._interval = 0.0
    pacer._next.clear()
    running.clock.advance(timedelta(seconds=2))
    running.fire_due()
    assert len(triage_posts(running)) == 3, "each group's message is posted once its turn comes"
