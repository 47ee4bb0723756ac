"""Running a drill through signed requests against the fake Slack: form, channel, injects, end."""

from __future__ import annotations

from tests.drills.helpers import (
    SCALE,
    advance,
    drill_run,
    injects_posted,
    open_form,
    posts,
    start_drill,
    submit_form,
)
from tests.e2e.wrapup_helpers import posted
from tests.support.harness import RunningBot


def test_drill_lists_the_scenarios(running: RunningBot) -> None:
    listing = running.client.command("drill", channel_id="C0GENERAL").text
    for name in ("checkout-lock", "regional-login", "payment-provider"):
        assert f"`{name}`" in listing


def test_an_unknown_scenario_lists_the_available_ones(running: RunningBot) -> None:
    listing = running.client.command("drill checkout-lok", channel_id="C0GENERAL").text
    assert "There is no scenario called `checkout-lok`" in listing
    assert "`checkout-lock`" in listing and "`regional-login`" in listing


def test_a_bad_time_scale_is_refused_inline_and_nothing_starts(running: RunningBot) -> None:
    view = open_form(running)
    for scale in ("0", "601", "1.5", ""):
        response = submit_form(running, view, scale=scale)
        assert response.status == 200
        assert "drill_scale" in response.json()["errors"], scale
    assert running.incident(1) is None


def test_a_drill_runs_its_injects_in_order_on_time_and_ends_with_a_scorecard(running: RunningBot) -> None:
    incident = start_drill(running)
    assert incident.drill and incident.channel_name.startswith("drill-1-")
    channel = incident.channel_id
    run = drill_run(running, incident.id)
    assert run.scale == SCALE and run.ends_at is not None
    # Every message in the drill channel says it is a drill, in its first block and its text.
    briefing = next(
        c for c in running.slack.ok_calls_to("chat.postMessage") if "Drill briefing" in c.args["text"]
    )
    assert briefing.args["text"].startswith(":rotating_light: *DRILL*")
    assert "DRILL" in str(briefing.args["blocks"][0])
    # The first inject, due at once, follows the briefing without waiting for a scheduler tick.
    running.settle()
    assert injects_posted(running, channel) == [1]
    advance(running, 3.9)
    assert injects_posted(running, channel) == [1], "inject 2 is due at 4 min / 60 = 4 s"
    advance(running, 0.1)
    assert injects_posted(running, channel) == [1, 2]
    advance(running, 20)
    assert injects_posted(running, channel) == [1, 2, 3, 4, 5, 6, 7]
    assert all(text.startswith(":rotating_light: *DRILL*") for text in posts(running, channel))
    advance(running, 10)
    assert drill_run(running, incident.id).ended_at is not None
    assert running.incident(1).status == "resolved"
    posted(running, channel, "Drill scorecard")
    assert injects_posted(running, channel) == [1, 2, 3, 4, 5, 6, 7], "each inject once"
