"""The update form and the snooze buttons answer bad input clearly and lose nothing."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.update_rules import FIELD_MAX, Update
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import (
    button_value,
    modal_errors,
    posts_to,
    submit_update,
    wait_for_post,
    wait_published,
)
from tests.support.fake_slack import MAX_SECTION_TEXT
from tests.support.harness import RunningBot
from tests.support.times import slack_time


def _updates(running: RunningBot, incident_id: int) -> list[Update]:
    with running.services.store.transaction() as tx:
        return list(tx.updates(incident_id))


def test_someone_outside_the_channel_is_told_to_join(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    errors = modal_errors(submit_update(running, incident, user="U004"))
    assert "Only people in the incident channel" in errors["status"]
    assert running.slack.last("conversations.members").args["channel"] == incident.channel_id
    assert not _updates(running, incident.id)


def test_a_resolved_incident_answers_in_the_form_and_the_command(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.client.command("status resolved", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().resolved_at)
    errors = modal_errors(submit_update(running, incident))
    assert "already resolved" in errors["status"]
    text = running.client.command("update", channel_id=incident.channel_id).body.decode()
    assert "Incident #1 is already resolved" in text
    assert not _updates(running, incident.id)


def test_an_empty_update_is_refused(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    errors = modal_errors(submit_update(running, incident, theory="", impact="  "))
    assert "Say something" in errors["theory"]
    assert list(errors) == ["theory"]


def test_a_past_time_is_refused(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    past = running.clock.now() - timedelta(minutes=5)
    errors = modal_errors(submit_update(running, incident, exact=int(past.timestamp())))
    assert errors == {"next_at": "That time has already passed. Pick a time in the future."}


def test_sev1_and_sev2_need_a_next_update_time(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    for severity, preset in (("1", None), ("2", None), ("1", "none")):
        errors = modal_errors(submit_update(running, incident, severity=severity, preset=preset))
        assert "pick when the next one comes" in errors["next_preset"]
    assert not _updates(running, incident.id)


def test_ten_kilobytes_are_split_or_clipped_never_invalid_blocks(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    pasted = "\n".join(f"line {n}: " + "stack frame & <details> " * 12 for n in range(40))
    assert len(pasted) > 10_000
    response = submit_update(running, incident, theory=pasted, tried="x" * 10_000, doing="y" * 2_500)
    assert response.status == 200 and not response.body
    post = wait_published(running, incident.channel_id, "Update on incident #1")
    assert post.ok
    sections = [b["text"]["text"] for b in post.args["blocks"] if b["type"] == "section"]
    assert all(0 < len(text) <= MAX_SECTION_TEXT for text in sections)
    assert len(post.args["text"]) <= 3000
    shown = "\n".join(sections)
    assert "&amp; &lt;details&gt;" in shown, "user text stays escaped across the split"
    assert f"{10_000 - FIELD_MAX} more characters not shown" in shown
    assert "y" * 2_500 in shown
    assert not [c for c in running.slack.calls_to("chat.postMessage") if c.error == "invalid_blocks"]
    [stored] = _updates(running, incident.id)
    assert stored.theory == pasted.strip() and len(stored.tried) == 10_000, "the full text is kept"


def test_snooze_twice_is_answered_without_a_second_snooze(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    value = button_value(nag, "snooze_update:5")
    running.client.action("snooze_update:5", value, user_id="U002", channel_id="DU002")
    wait_for_post(running, incident.channel_id, "snoozed 5 min")
    running.client.action("snooze_update:5", value, user_id="U002", channel_id="DU002")
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert note["user"] == "U002"
    assert "Already snoozed: the next update is now due by 12:20 UTC" in note["text"]
    with running.services.store.transaction() as tx:
        assert len(tx.commitments(incident.id)) == 2
    assert len([c for c in posts_to(running, incident.channel_id) if "snoozed" in c.args["text"]]) == 1


def test_snooze_after_the_update_is_answered(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    [nag] = wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    submit_update(running, incident, preset="30")
    wait_published(running, incident.channel_id, f"*Next update by {slack_time('12:45')}*")
    running.client.action(
        "snooze_update:15", button_value(nag, "snooze_update:15"), user_id="U002", channel_id="DU002"
    )
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert "An update has been posted since this reminder" in note["text"]
    assert "the next one is due by 12:45 UTC" in note["text"]
    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=30)
    running.clock.advance(timedelta(minutes=20))
    running.fire_due()
    assert len([c for c in posts_to(running, "U002") if "was due <!date" in c.args["text"]]) == 1
