"""Reopening a resolved incident restores the next-update promise, with its nag."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.commitment_rules import CommitmentSource, CommitmentState
from incidentbot.incident.models import Status
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_for_post, wait_published
from tests.support.harness import RunningBot
from tests.support.times import slack_time


def _resolve_then_reopen(running: RunningBot, channel: str, status: str, minutes_later: int) -> None:
    running.client.command("status resolved", channel_id=channel)
    wait_until(lambda: running.incident().resolved_at)
    running.clock.advance(timedelta(minutes=minutes_later))
    running.slack.clear_calls()
    running.client.command(f"status {status}", channel_id=channel)
    wait_until(lambda: running.incident().is_open)


def _last_summary(running: RunningBot, channel: str) -> str:
    edits = [c for c in running.slack.ok_calls_to("chat.update") if c.args["channel"] == channel]
    return str(edits[-1].args["text"]) if edits else ""


def _last_topic(running: RunningBot) -> str:
    calls = running.slack.ok_calls_to("conversations.setTopic")
    return str(calls[-1].args["topic"]) if calls else ""


def _shows(running: RunningBot, channel: str, summary: str, topic: str) -> None:
    running.slack.wait_until(
        lambda: summary in _last_summary(running, channel) and _last_topic(running).endswith(topic),
        what=f"{summary!r} in the summary and {topic!r} in the topic",
    )


def test_reopened_sev1_owes_an_update_on_its_cadence_and_is_nagged(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, preset="30")
    wait_published(running, channel, "Next update by")
    running.clock.advance(timedelta(minutes=5))  # 12:05
    _resolve_then_reopen(running, channel, "investigating", minutes_later=5)  # reopened 12:10

    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=30)
    _shows(running, channel, f"Next update due {slack_time('12:40')}", "next update 12:40 UTC")
    assert "when the status changes" not in _last_summary(running, channel)

    running.clock.advance(timedelta(minutes=30))  # 12:40
    running.fire_due()
    wait_for_post(running, "U002", f"was due {slack_time('12:40')}")
    with running.services.store.transaction() as tx:
        live = tx.live_commitment(incident.id)
    assert live is not None and live.source is CommitmentSource.REOPEN
    assert live.state is CommitmentState.MISSED


def test_reopened_with_no_update_ever_posted_owes_the_first_update(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    channel = incident.channel_id
    running.clock.advance(timedelta(minutes=5))  # 12:05
    _resolve_then_reopen(running, channel, "investigating", minutes_later=5)  # reopened 12:10

    _shows(running, channel, f"Next update due {slack_time('12:25')}", "next update 12:25 UTC")
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    wait_for_post(running, "U002", f"was due {slack_time('12:25')}")


def test_reopening_to_identified_keeps_the_promise_too(running: RunningBot) -> None:
    incident = declare(running, severity="2", comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, severity="2", preset="60")
    wait_published(running, channel, "Next update by")
    _resolve_then_reopen(running, channel, "identified", minutes_later=20)  # reopened 12:20

    assert running.incident().status is Status.IDENTIFIED
    _shows(running, channel, f"Next update due {slack_time('13:20')}", "next update 13:20 UTC")


def test_reopened_incident_without_a_cadence_waits_for_the_status(running: RunningBot) -> None:
    incident = declare(running, severity="3", comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, severity="3", preset="none")
    wait_published(running, channel, "Next update:")
    _resolve_then_reopen(running, channel, "investigating", minutes_later=20)

    running.slack.wait_until(
        lambda: "when the status changes" in _last_summary(running, channel), what="the summary"
    )
    assert running.incident().next_update_due is None
