"""Messages owed to Slack survive its outages, 5xx answers and rate limits: each arrives once.

In the fake Web API an outage is wall-clock time; the tests end it with `clear_faults()` once the
bot has failed and queued its messages, so a few seconds stand for minutes. The test clock is then
moved past the retry backoff and the scheduler's tick is run once (`running.fire_due()`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.clock import ManualClock
from incidentbot.config import TeamConfig
from incidentbot.incident.models import SetupState, Severity, Status
from incidentbot.kernel import outbox
from incidentbot.kernel.outbox_kinds import OutboxKind
from incidentbot.kernel.reminder_rows import ReminderState
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.update_helpers import posts_to, submit_update, wait_for_post
from tests.support import reminder_rows
from tests.support.fake_slack import FakeSlack
from tests.support.harness import RunningBot, running_bot

ANNOUNCE = "C0ANNOUNCE"
THEORY = "Errors started with the 11:50 deploy (unconfirmed)"


@pytest.fixture
def bot(slack: FakeSlack, database_url: str, clock: ManualClock) -> Iterator[RunningBot]:
    slack.add_channel("incidents", channel_id=ANNOUNCE)
    with running_bot(slack, database_url, clock, TeamConfig(announcement_channel=ANNOUNCE)) as running:
        yield running


def _after_the_outage(bot: RunningBot, minutes: float = 2) -> None:
    """Slack answers again; the scheduler's next tick comes after the backoff."""
    bot.settle()
    bot.slack.clear_faults()
    bot.clock.advance(timedelta(minutes=minutes))
    bot.fire_due()


def _rows(bot: RunningBot, incident_id: int) -> list[Any]:
    with bot.services.store.transaction() as tx:
        return reminder_rows.outbox(tx.reminders(incident_id))


def _texts(bot: RunningBot, channel: str, fragment: str) -> list[str]:
    return [c.args["text"] for c in posts_to(bot, channel) if fragment in c.args["text"]]


def _shown(bot: RunningBot, channel: str | None, ts: str | None) -> str:
    assert channel and ts
    message = bot.slack.message(channel, ts)
    assert message is not None
    return str(message["text"])


def test_declaring_during_an_outage_sets_the_channel_up_once_after_it(bot: RunningBot) -> None:
    # The bot knows the declarer's name from a moment ago: looking it up during the outage would
    # take slack-sdk's retries, which can push the acknowledgement past Slack's 3 seconds.
    assert bot.bot.deps.workspace.person("U001") is not None
    bot.slack.outage(120)
    assert submit_declare(bot).status == 200
    failed = wait_until(lambda: (i := bot.incident()) and i.setup_state is SetupState.FAILED and i, 20)
    assert failed.setup_error == "conversations.create: service_unavailable"
    bot.settle()
    assert bot.slack.ok_calls_to("conversations.create") == []

    _after_the_outage(bot)

    ready = bot.incident()
    assert (ready.setup_state, ready.setup_error) == (SetupState.READY, None)
    assert len(bot.slack.ok_calls_to("conversations.create")) == 1
    assert [c.args["channel"] for c in bot.slack.ok_calls_to("pins.add")] == [ready.channel_id]
    assert len(_texts(bot, ANNOUNCE, "Checkout failing")) == 1
    [told] = [t for t in _texts(bot, "U001", "Incident #1") if "Slack" in t]
    assert "is set up" in told and f"<#{ready.channel_id}>" in told

    bot.clock.advance(timedelta(minutes=10))
    assert bot.fire_due().delivered == 0
    assert {r.state for r in _rows(bot, ready.id)} == {ReminderState.DONE}


def test_a_role_holder_slack_cannot_check_is_explained_in_the_form(bot: RunningBot) -> None:
    bot.slack.inject("users.info", error="fatal_error", times=None)
    response = submit_declare(bot, comms="U002")
    assert response.status == 200
    assert "Slack isn't answering" in response.json()["errors"]["comms"]
    assert bot.incident() is None, "nothing recorded until the form is accepted"


def test_the_declarer_hears_once_while_slack_will_not_create_the_channel(bot: RunningBot) -> None:
    bot.slack.inject("conversations.create", status=503, times=None)
    submit_declare(bot)
    told = wait_for_post(bot, "U001", "its channel is not ready yet")
    assert "service_unavailable" in told[0].args["text"]
    for _ in range(2):
        bot.settle()
        bot.clock.advance(timedelta(minutes=1))  # past the backoff, before the first update is due
        assert bot.fire_due().retried == 1
    assert len(_texts(bot, "U001", "Incident #1")) == 1, "told once, not at every retry"
    _after_the_outage(bot)
    assert bot.incident().setup_state is SetupState.READY
    assert len(bot.slack.ok_calls_to("conversations.create")) == 1


def test_an_update_slack_would_not_take_is_posted_once_after_the_outage(bot: RunningBot) -> None:
    incident = declare(bot, comms="U002")
    for method in ("chat.postMessage", "chat.update", "conversations.setTopic"):
        bot.slack.inject(method, status=503, times=None)
    assert submit_update(bot, incident, status="identified", severity="2").status == 200
    # The update is saved, and its author is told that it is (the ephemeral still gets through).
    [said] = bot.slack.wait_for("chat.postEphemeral", timeout=30)
    assert said.args["user"] == "U002" and "I keep trying and post it once" in said.args["text"]
    bot.settle()
    with bot.services.store.transaction() as tx:
        [update] = tx.updates(incident.id)
    assert update.message_ts is None

    _after_the_outage(bot)

    channel = posts_to(bot, incident.channel_id)
    texts = [c.args["text"] for c in channel]
    assert len([t for t in texts if THEORY in t]) == 1
    first_notice = next(i for i, t in enumerate(texts) if "changed from" in t)
    assert first_notice > next(i for i, t in enumerate(texts) if THEORY in t), "the update comes first"
    assert len([t for t in texts if "Severity changed from SEV-1 to SEV-2" in t]) == 1
    assert len([t for t in texts if "Status changed from investigating to identified" in t]) == 1
    current = bot.incident()
    summary = _shown(bot, current.channel_id, current.summary_ts)
    assert "SEV-2" in summary and "*Status:* identified" in summary
    announcement = _shown(bot, ANNOUNCE, current.announcement_ts)
    assert "SEV-2" in announcement and "is identified" in announcement
    with bot.services.store.transaction() as tx:
        [update] = tx.updates(incident.id)
    assert update.message_ts is not None

    bot.clock.advance(timedelta(minutes=30))
    bot.fire_due()
    assert len(_texts(bot, incident.channel_id, THEORY)) == 1


def test_summary_edits_failing_with_500_end_in_the_final_state(bot: RunningBot) -> None:
    incident = declare(bot)
    bot.slack.clear_calls()
    bot.slack.inject("chat.update", status=500, times=None)
    bot.client.command("severity 2", channel_id=incident.channel_id)
    wait_until(lambda: bot.incident().severity is Severity.SEV2)
    bot.client.command("status monitoring", channel_id=incident.channel_id)
    wait_until(lambda: bot.incident().status is Status.MONITORING)
    wait_for_post(bot, incident.channel_id, "Status changed from investigating to monitoring")
    assert not bot.slack.ok_calls_to("chat.update")

    _after_the_outage(bot)

    current = bot.incident()
    summary = _shown(bot, current.channel_id, current.summary_ts)
    assert "SEV-2" in summary and "*Status:* monitoring" in summary
    assert "is monitoring" in _shown(bot, ANNOUNCE, current.announcement_ts)
    assert len(_texts(bot, incident.channel_id, "Severity changed")) == 1
    assert len(_texts(bot, incident.channel_id, "Status changed")) == 1


def test_a_fifth_of_calls_rate_limited_every_message_arrives_once(bot: RunningBot) -> None:
    bot.slack.fail_ratio("*", 0.2, status=429, retry_after=0, seed=11)
    incident = declare(bot, comms="U002")
    assert incident.setup_state is SetupState.READY
    assert submit_update(bot, incident, status="identified").status == 200
    wait_until(lambda: bot.incident().status is Status.IDENTIFIED)
    bot.client.command("status monitoring", channel_id=incident.channel_id)
    wait_until(lambda: bot.incident().status is Status.MONITORING)
    bot.client.command("role scribe @carol", channel_id=incident.channel_id)
    wait_until(lambda: bot.services.view_of(incident.id).roster.scribe == "U003")
    bot.client.command("severity 2", channel_id=incident.channel_id)
    wait_until(lambda: bot.incident().severity is Severity.SEV2)
    _after_the_outage(bot, minutes=10)

    assert any(c.status == 429 for c in bot.slack.calls), "the fault injection really fired"
    channel = incident.channel_id
    for fragment in (
        THEORY,
        "Status changed from investigating to identified",
        "Status changed from identified to monitoring",
        "Severity changed from SEV-1 to SEV-2",
        "<@U003> is now",
    ):
        assert len(_texts(bot, channel, fragment)) == 1, fragment
    assert len(_texts(bot, "U003", "scribe")) == 1
    assert len(_texts(bot, "U002", "communications lead")) == 1
    assert len(_texts(bot, ANNOUNCE, "Checkout failing")) == 1
    assert len(bot.slack.ok_calls_to("conversations.create")) == 1
    assert len(bot.slack.ok_calls_to("pins.add")) == 1
    current = bot.incident()
    summary = _shown(bot, current.channel_id, current.summary_ts)
    assert "SEV-2" in summary and "*Status:* monitoring" in summary and "<@U003>" in summary
    assert "is monitoring" in _shown(bot, ANNOUNCE, current.announcement_ts)
    assert {r.state for r in _rows(bot, incident.id)} == {ReminderState.DONE}


def test_messages_recorded_by_a_process_that_died_are_sent_by_the_scheduler(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = declare(bot, comms="U002")
    # The process dies right after committing: nothing is sent from the thread that recorded.
    tried = threading.Event()

    def dead(services: Any, rows: Any, worker: Any = None) -> list[Any]:
        tried.set()
        return []

    monkeypatch.setattr(outbox, "send_now", dead)
    assert submit_update(bot, incident, status="identified").status == 200
    wait_until(lambda: bot.incident().status is Status.IDENTIFIED)
    assert tried.wait(10), "the recording thread came to send and sent nothing"
    monkeypatch.undo()
    pending = [r.kind for r in _rows(bot, incident.id) if r.state is ReminderState.PENDING]
    assert pending == [OutboxKind.PUBLISH_UPDATE, OutboxKind.CHANGE_NOTICE, OutboxKind.SYNC_SUMMARY]
    assert not _texts(bot, incident.channel_id, THEORY)

    assert bot.fire_due().delivered == 0, "the recording thread gets the first go"
    bot.clock.advance(timedelta(seconds=10))
    assert bot.fire_due().delivered == 3
    assert len(_texts(bot, incident.channel_id, THEORY)) == 1
    assert len(_texts(bot, incident.channel_id, "Status changed from investigating to identified")) == 1
    current = bot.incident()
    assert "*Status:* identified" in _shown(bot, current.channel_id, current.summary_ts)
