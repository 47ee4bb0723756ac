"""Raising the severity makes the next-update promise follow the new cadence; lowering keeps it."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.commitment_rules import CommitmentState
from incidentbot.incident.models import Severity
from tests.e2e.helpers import declare, wait_until
from tests.e2e.test_reopen import _last_summary, _shows
from tests.e2e.update_helpers import posts_to, submit_update, wait_for_post, wait_published
from tests.support.harness import RunningBot
from tests.support.times import slack_time


def _change_severity(running: RunningBot, channel: str, to: Severity, minutes_later: int) -> None:
    running.clock.advance(timedelta(minutes=minutes_later))
    running.client.command(f"severity {to.value}", channel_id=channel)
    wait_until(lambda: running.incident().severity is to)


def test_raising_to_a_severity_with_a_cadence_creates_the_promise_and_its_nag(running: RunningBot) -> None:
    incident = declare(running, severity="3", comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, severity="3", preset="none")
    wait_published(running, channel, "Next update:")
    assert running.incident().next_update_due is None

    _change_severity(running, channel, Severity.SEV1, minutes_later=10)  # 12:10

    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=30)
    _shows(running, channel, f"Next update due {slack_time('12:40')}", "next update 12:40 UTC")
    assert "when the status changes" not in _last_summary(running, channel)
    [notice] = wait_for_post(running, channel, "Severity changed from SEV-3 to SEV-1")
    assert f"<@U002>, the next update is now due {slack_time('12:40')}." in notice.args["text"]
    running.clock.advance(timedelta(minutes=30))  # 12:40
    running.fire_due()
    wait_for_post(running, "U002", f"was due {slack_time('12:40')}")


def test_raising_pulls_a_later_promise_in_and_the_old_nag_stays_quiet(running: RunningBot) -> None:
    incident = declare(running, severity="2", comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, severity="2", preset="60")  # promised 13:00
    wait_published(running, channel, "Next update by")

    _change_severity(running, channel, Severity.SEV1, minutes_later=10)  # 12:10

    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=30)
    _shows(running, channel, f"Next update due {slack_time('12:40')}", "next update 12:40 UTC")
    with running.services.store.transaction() as tx:
        states = [c.state for c in tx.commitments(incident.id)]
    assert states.count(CommitmentState.OPEN) == 1 and CommitmentState.SUPERSEDED in states
    [notice] = wait_for_post(running, channel, "Severity changed from SEV-2 to SEV-1")
    assert f"<@U002>, the next update is now due {slack_time('12:40')}." in notice.args["text"]
    running.clock.advance(timedelta(minutes=50))  # 13:00, past both times
    running.fire_due()
    wait_for_post(running, "U002", f"was due {slack_time('12:40')}")
    assert not [c for c in posts_to(running, "U002") if slack_time("13:00") in c.args["text"]]


def test_raising_keeps_a_promise_sooner_than_the_new_cadence(running: RunningBot) -> None:
    incident = declare(running, severity="2", comms="U002")
    channel = incident.channel_id
    submit_update(running, incident, severity="2", preset="15")  # promised 12:15
    wait_published(running, channel, "Next update by")

    _change_severity(running, channel, Severity.SEV1, minutes_later=5)

    assert running.incident().next_update_due == incident.declared_at + timedelta(minutes=15)
    [notice] = wait_for_post(running, channel, "Severity changed from SEV-2 to SEV-1")
    assert "now due" not in notice.args["text"], "the sooner promise stands"


def test_lowering_keeps_the_promise(running: RunningBot) -> None:
    incident = declare(running, severity="1", comms="U001")
    channel = incident.channel_id
    submit_update(running, incident, user="U001", severity="1", preset="30")  # promised 12:30
    wait_published(running, channel, "Next update by")

    _change_severity(running, channel, Severity.SEV3, minutes_later=10)

    assert running.incident().next_update_due == incident.declared_at + timedelta(minutes=30)
    _shows(running, channel, f"Next update due {slack_time('12:30')}", "next update 12:30 UTC")
    [notice] = wait_for_post(running, channel, "Severity changed from SEV-1 to SEV-3")
    assert "now due" not in notice.args["text"], "the promise did not move"
