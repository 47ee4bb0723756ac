"""The facilitator's controls, and drill commands where they make no sense."""

from __future__ import annotations

from tests.drills.helpers import advance, drill_run, injects_posted, posts, reply, start_drill
from tests.e2e.helpers import declare
from tests.e2e.wrapup_helpers import posted
from tests.support.harness import RunningBot


def test_pause_holds_the_injects_and_resume_shifts_them(running: RunningBot) -> None:
    incident = start_drill(running)
    channel = incident.channel_id
    advance(running, 1)
    assert injects_posted(running, channel) == [1]
    reply(running, "drill pause", channel, "The drill is paused")
    advance(running, 30)
    assert injects_posted(running, channel) == [1], "nothing arrives while paused"
    reply(running, "drill resume", channel, "The drill carries on")
    # Paused at 1 s for 30 s: inject 2, due at 4 s, now comes at 34 s.
    advance(running, 2.9)
    assert injects_posted(running, channel) == [1]
    advance(running, 0.1)
    assert injects_posted(running, channel) == [1, 2]
    reply(running, "drill resume", channel, "The drill is not paused")


def test_skip_brings_the_next_inject_forward_and_inject_adds_one(running: RunningBot) -> None:
    incident = start_drill(running)
    channel = incident.channel_id
    advance(running, 0)
    reply(running, "drill skip", channel, "Inject 8 is being posted now")
    running.settle()
    assert injects_posted(running, channel) == [1, 8], "inject 2 posted now, numbered after the others"
    assert "Inject 8*" in posts(running, channel)[-1] and "deploy dashboard" in posts(running, channel)[-1]
    reply(running, "drill inject Legal asks whether customer data was exposed", channel, "as inject 9")
    running.settle()
    assert "Legal asks whether customer data was exposed" in posts(running, channel)[-1]
    advance(running, 4)
    assert 2 not in injects_posted(running, channel), "a skipped inject is not posted again"


def test_ending_twice_says_the_drill_has_ended(running: RunningBot) -> None:
    incident = start_drill(running)
    channel = incident.channel_id
    reply(running, "drill end", channel, "The drill has ended")
    posted(running, channel, "Drill scorecard")
    assert running.incident(1).status == "resolved"
    reply(running, "drill end", channel, "This drill has already ended")
    advance(running, 60)
    assert injects_posted(running, channel) == [1], "nothing arrives after the end"


def test_a_drill_control_outside_a_drill_channel_says_so(running: RunningBot) -> None:
    reply(running, "drill pause", "C0GENERAL", "This is not a drill channel")
    real = declare(running)
    reply(running, "drill end", real.channel_id, "This is not a drill channel")
    assert running.incident(1).status == "investigating"


def test_an_inject_without_words_says_what_to_type(running: RunningBot) -> None:
    incident = start_drill(running)
    response = running.client.command("drill inject", channel_id=incident.channel_id)
    assert "Type the inject after the word" in response.text
    assert drill_run(running, incident.id).ended_at is None


def test_resolve_in_a_drill_channel_ends_the_drill_and_says_so(running: RunningBot) -> None:
    incident = start_drill(running)
    reply(running, "resolve", incident.channel_id, "This is a drill, so `/incident resolve` ended it")
    posted(running, incident.channel_id, "Drill scorecard")
    assert drill_run(running, incident.id).ended_at is not None
    assert running.incident(1).status == "resolved"
    assert not running.slack.calls_to("views.open")[1:], "no resolution form opens for a drill"
    reply(running, "resolve", incident.channel_id, "This drill has already ended")
