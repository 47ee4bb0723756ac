"""Role checklists say what happens next even when no next-update time is promised."""

from __future__ import annotations

from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import submit_update, wait_for_post, wait_published
from tests.support.harness import RunningBot


def test_with_no_promise_the_checklists_say_what_happens_instead(running: RunningBot) -> None:
    incident = declare(running, severity="3")
    submit_update(running, incident, severity="3", preset="none", user="U001")
    wait_published(running, incident.channel_id, "*Next update:* when the status changes")
    wait_until(lambda: running.incident().next_update_due is None)

    running.client.command("role comms @bob", channel_id=incident.channel_id)
    [comms] = wait_for_post(running, "U002", "communications lead")
    assert "due —" not in comms.args["text"] and "it is due" not in comms.args["text"]
    assert "at SEV-3 you post an update whenever the status changes" in comms.args["text"]

    running.client.command("role commander @carol", channel_id=incident.channel_id)
    [commander] = wait_for_post(running, "U003", "incident commander")
    assert "due —" not in commander.args["text"]
    assert (
        "make sure the next update (`/incident update`) comes whenever the status changes"
        in (commander.args["text"])
    )
