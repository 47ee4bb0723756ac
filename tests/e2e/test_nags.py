"""Nags, escalations and snoozes through the fake Slack Web API, with the test clock."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.commitment_rules import CommitmentState
from incidentbot.incident.models import EventKind
from incidentbot.kernel.reminder_rows import ReminderState
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import (
    action_ids,
    button_value,
    posts_to,
    submit_update,
    wait_for_post,
    wait_published,
)
from tests.support.harness import RunningBot
from tests.support.reminder_rows import cadence
from tests.support.times import slack_time


def _kinds(running: RunningBot, incident_id: int) -> list[EventKind]:
    with running.services.store.transaction() as tx:
        return [e.kind for e in tx.events(incident_id)]


def _advance_and_fire(running: RunningBot, **delta: float) -> None:
    running.settle()  # what the bot's threads just did is recorded at the time it happened
    running.clock.advance(timedelta(**delta))
    running.fire_due()


def test_sev1_nag_cycle_end_to_end(running: RunningBot) -> None:
    """Declared at 12:00 with no update: nag at 12:15; update → next nag 30 min later, escalation, stop."""
    incident = declare(running, comms="U002")
    channel = incident.channel_id
    _advance_and_fire(running, minutes=14, seconds=59)
    assert not posts_to(running, "U002")[1:], "only the comms checklist so far"

    _advance_and_fire(running, seconds=1)
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    assert action_ids(nag) == ["open_update", "snooze_update:5", "snooze_update:15", "snooze_update:30"]
    assert "I'll ask the commander <@U001>" in nag.args["text"]
    [notice] = wait_for_post(running, channel, "is overdue")
    assert "<@U002>, please post it" in notice.args["text"]
    summary = running.slack.last("chat.update").args
    assert (
        summary["ts"] == incident.summary_ts
        and f"*Next update overdue* since {slack_time('12:15')}" in summary["text"]
    )

    running.clock.advance(timedelta(minutes=2))  # 12:17
    submit_update(running, incident, preset="30")
    wait_published(running, channel, f"*Next update by {slack_time('12:47')}*")
    _advance_and_fire(running, minutes=29)  # 12:46
    assert len(wait_for_post(running, "U002", "was due <!date")) == 1
    assert not [c for c in posts_to(running, channel) if "Still no update" in c.args["text"]]

    _advance_and_fire(running, minutes=1)  # 12:47: the second commitment is missed
    second = wait_for_post(running, "U002", f"was due {slack_time('12:47')}")
    assert len(second) == 1
    _advance_and_fire(running, minutes=4)  # 12:51
    assert not [c for c in posts_to(running, channel) if "Still no update" in c.args["text"]]
    _advance_and_fire(running, minutes=1)  # 12:52: grace over
    [escalation] = wait_for_post(running, channel, "Still no update")
    assert "<@U001> (commander) and <@U002> (communications lead)" in escalation.args["text"]

    running.clock.advance(timedelta(minutes=3))  # 12:55
    submit_update(running, incident, preset="30")
    wait_published(running, channel, f"*Next update by {slack_time('13:25')}*")
    _advance_and_fire(running, minutes=29)  # 13:24: nothing more for the kept promise
    assert len(wait_for_post(running, "U002", "was due <!date")) == 2
    assert len([c for c in posts_to(running, channel) if "Still no update" in c.args["text"]]) == 1

    kinds = _kinds(running, incident.id)
    assert kinds.count(EventKind.MISSED_COMMITMENT) == 2
    assert kinds.count(EventKind.NAG) == 2
    assert kinds.count(EventKind.ESCALATION) == 1
    assert kinds.count(EventKind.UPDATE_POSTED) == 2
    with running.services.store.transaction() as tx:
        states = [c.state for c in tx.commitments(incident.id)]
    assert states == [CommitmentState.MISSED, CommitmentState.MISSED, CommitmentState.OPEN]


def test_post_update_button_in_the_nag_opens_the_prefilled_form(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    submit_update(running, incident, theory="Cache stampede", preset="15")
    wait_published(running, incident.channel_id, "Cache stampede")
    _advance_and_fire(running, minutes=15)
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    running.client.action("open_update", button_value(nag, "open_update"), user_id="U002", channel_id="DU002")
    view = running.slack.wait_for("views.open")[0].args["view"]
    theory = next(b for b in view["blocks"] if b["block_id"] == "theory")
    assert theory["element"]["initial_value"] == "Cache stampede"


def test_snooze_moves_the_commitment_and_edits_the_nag(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    _advance_and_fire(running, minutes=15)
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    dm_ts = running.slack.messages("DU002")[-1]["ts"]
    value = button_value(nag, "snooze_update:15")
    running.client.action("snooze_update:15", value, user_id="U002", channel_id="DU002", message_ts=dm_ts)
    edit = wait_until(
        lambda: next(
            (c for c in running.slack.ok_calls_to("chat.update") if c.args["channel"] == "DU002"), None
        )
    )
    assert edit.args["ts"] == dm_ts and f"now due by *{slack_time('12:30')}*" in edit.args["text"]
    assert action_ids(edit) == ["open_update"], "the snooze buttons are gone"
    wait_for_post(running, incident.channel_id, "Next update moved to 12:30 UTC (snoozed 15 min) by <@U002>")
    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=15)

    _advance_and_fire(running, minutes=5)  # 12:20: the escalation of the snoozed commitment is off
    assert not [c for c in posts_to(running, incident.channel_id) if "Still no update" in c.args["text"]]
    _advance_and_fire(running, minutes=10)  # 12:30: the snooze's own commitment is due
    assert len(wait_for_post(running, "U002", f"was due {slack_time('12:30')}")) == 1
    kinds = _kinds(running, incident.id)
    assert kinds.count(EventKind.SNOOZE) == 1 and kinds.count(EventKind.NAG) == 2


def test_resolution_stops_the_pending_nag(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.client.command("status resolved", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().resolved_at)
    _advance_and_fire(running, minutes=30)
    assert not [c for c in posts_to(running, "U002") if "was due <!date" in c.args["text"]]
    with running.services.store.transaction() as tx:
        assert [r.state for r in cadence(tx.reminders(incident.id))] == [ReminderState.CANCELLED]
        assert [c.state for c in tx.commitments(incident.id)] == [CommitmentState.CANCELLED]


def test_the_reassigned_comms_lead_is_nagged(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.client.command("role comms @carol", channel_id=incident.channel_id)
    wait_until(lambda: running.services.view_of(incident.id).roster.comms == "U003")
    _advance_and_fire(running, minutes=15)
    wait_for_post(running, "U003", f"was due {slack_time('12:15')}")
    assert not [c for c in posts_to(running, "U002") if "was due <!date" in c.args["text"]]


def test_commander_is_nagged_without_a_comms_lead(running: RunningBot) -> None:
    declare(running)
    _advance_and_fire(running, minutes=15)
    wait_for_post(running, "U001", f"was due {slack_time('12:15')}")


def test_rate_limited_nag_waits_for_retry_after_and_goes_out_once(running: RunningBot) -> None:
    declare(running, comms="U002")
    running.slack.inject("chat.postMessage", status=429, retry_after=1)
    _advance_and_fire(running, minutes=15)
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    statuses = [c.status for c in running.slack.calls_to("chat.postMessage")][-3:]
    assert 429 in statuses and nag.ok


def test_undeliverable_nag_stays_pending_and_is_retried(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.slack.inject("chat.postMessage", error="fatal_error")
    _advance_and_fire(running, minutes=15)
    with running.services.store.transaction() as tx:
        [nag] = cadence(tx.reminders(incident.id))
    assert (nag.state, nag.attempts) == (ReminderState.PENDING, 1)
    assert nag.last_error == "chat.postMessage: fatal_error"
    assert not [c for c in posts_to(running, "U002") if "was due <!date" in c.args["text"]]
    _advance_and_fire(running, seconds=5)
    assert len(wait_for_post(running, "U002", f"was due {slack_time('12:15')}")) == 1
