"""A drill's next-update promises run on the drill's clock: at time scale 60, a minute is a second."""

from __future__ import annotations

from datetime import timedelta

from tests.drills.helpers import SCALE, advance, start_drill
from tests.e2e.helpers import wait_until
from tests.e2e.update_helpers import button_value, posts_to, submit_update, wait_for_post
from tests.support.harness import RunningBot


def _nags(running: RunningBot, user: str) -> list[str]:
    return [c.args["text"] for c in posts_to(running, user) if "was due" in c.args["text"]]


def _updates(running: RunningBot, incident_id: int) -> int:
    with running.services.store.transaction() as tx:
        return len(tx.updates(incident_id))


def _live_due(running: RunningBot, incident_id: int) -> timedelta:
    with running.services.store.transaction() as tx:
        live = tx.live_commitment(incident_id)
    assert live is not None
    return live.due_at - live.made_at


def test_the_first_update_is_owed_after_15_minutes_divided_by_the_time_scale(running: RunningBot) -> None:
    incident = start_drill(running)
    assert incident.time_scale == SCALE
    assert _live_due(running, incident.id) == timedelta(minutes=15) / SCALE
    declared_for = (running.clock.now() - incident.declared_at).total_seconds()
    advance(running, 15 - declared_for - 0.5)
    assert not _nags(running, "U002"), "not yet: 15 min of drill time is 15 s"
    advance(running, 1)
    [nag] = wait_for_post(running, "U002", "was due")
    assert "DRILL" in nag.args["text"]


def test_an_update_promises_the_next_one_in_drill_time_and_the_escalation_follows_it(
    running: RunningBot,
) -> None:
    incident = start_drill(running)
    advance(running, 2)
    response = submit_update(running, incident, preset="15")
    assert response.status == 200 and not response.body, response.body
    wait_until(lambda: _updates(running, incident.id) or None)
    assert _live_due(running, incident.id) == timedelta(minutes=15) / SCALE
    advance(running, 14.5)
    assert not _nags(running, "U002"), "the first promise was kept; the second is due at 2 s + 15 s"
    advance(running, 1)
    wait_for_post(running, "U002", "was due")
    # The escalation comes after the policy's grace (5 min), on the drill's clock too: 5 s.
    advance(running, 5)
    wait_for_post(running, incident.channel_id, "Still no update")


def test_a_snooze_in_a_drill_moves_the_promise_by_drill_minutes(running: RunningBot) -> None:
    incident = start_drill(running)
    advance(running, 16)
    [nag] = wait_for_post(running, "U002", "was due")
    value = button_value(nag, "snooze_update:15")
    dm_ts = running.slack.messages("DU002")[-1]["ts"]
    response = running.client.action(
        "snooze_update:15", value, user_id="U002", channel_id="DU002", message_ts=dm_ts
    )
    assert response.status == 200, response.body
    wait_until(lambda: _live_due(running, incident.id) == timedelta(minutes=15) / SCALE or None)
