"""Updates submitted one right after another reach the channel, and the summary, in that order."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.helpers import declare
from tests.e2e.update_helpers import posts_to, submit_update, wait_for_post
from tests.support.harness import RunningBot
from tests.support.times import slack_time


def test_a_rate_limited_first_update_is_not_overtaken_by_the_next(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.slack.inject("chat.postMessage", status=429, retry_after=1)
    assert submit_update(running, incident, theory="First finding", preset="30").status == 200
    running.slack.wait_until(
        lambda: any(c.status == 429 for c in running.slack.calls_to("chat.postMessage")),
        what="the first update's post to be rate-limited",
    )
    assert submit_update(running, incident, theory="Second finding", preset="15").status == 200

    wait_for_post(running, incident.channel_id, "Second finding")
    wait_for_post(running, incident.channel_id, "First finding")
    running.settle()
    texts = [c.args["text"] for c in posts_to(running, incident.channel_id)]
    first = next(i for i, t in enumerate(texts) if "First finding" in t)
    second = next(i for i, t in enumerate(texts) if "Second finding" in t)
    assert first < second, "the channel shows the updates in the order they were submitted"
    promised = running.clock.now() + timedelta(minutes=15)
    assert running.incident().next_update_due == promised
    current = running.incident()
    summary = running.slack.message(incident.channel_id, current.summary_ts)
    assert summary is not None
    assert f"Next update due {slack_time(f'{promised:%H:%M}')}" in summary["text"]
