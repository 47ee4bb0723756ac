"""What a person sees during the whole-incident scenario: the channel, the summary, the topic, DMs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.helpers import declare_state, wait_until
from tests.e2e.update_helpers import posts_to, wait_for_post
from tests.support import signing
from tests.support.harness import RunningBot
from tests.support.signing import Response

DECLARE_VIEW = {"view_id": "VWHOLE01", "view_hash": "1767268800.c0ffee"}


def declare_form_submitted(running: RunningBot, title: str, **fields: Any) -> Response:
    """The declare form as Slack sends it; calling twice is the double click (same view id, hash)."""
    body = signing.view_submission(
        "declare_incident",
        declare_state(title=title, **fields),
        user_id="U001",
        private_metadata='{"channel": "C0GENERAL"}',
        **DECLARE_VIEW,
    )
    return running.client.post(*body)


def at(running: RunningBot, hhmm: str) -> None:
    """Move the test clock forward to `hhmm` on the first day."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    target = running.clock.now().replace(hour=hour, minute=minute, second=0)
    assert target >= running.clock.now(), f"the clock does not go back to {hhmm}"
    running.clock.advance(target - running.clock.now())


def pass_to(running: RunningBot, hhmm: str) -> None:
    """Let the clock reach `hhmm` and the scheduler's next tick deliver whatever came due."""
    at(running, hhmm)
    running.fire_due()


def summary_text(running: RunningBot, incident: Any) -> str:
    edits = [c for c in running.slack.ok_calls_to("chat.update") if c.args["ts"] == incident.summary_ts]
    return str(edits[-1].args["text"]) if edits else ""


def topic(running: RunningBot) -> str:
    calls = running.slack.ok_calls_to("conversations.setTopic")
    return str(calls[-1].args["topic"]) if calls else ""


def shows(running: RunningBot, incident: Any, summary: str, in_topic: str) -> None:
    """Wait until the pinned summary and the channel topic both say what they should."""
    running.slack.wait_until(
        lambda: summary in summary_text(running, incident) and in_topic in topic(running),
        what=f"{summary!r} in the summary and {in_topic!r} in the topic",
    )


def channel_says(running: RunningBot, channel: str, fragment: str) -> str:
    """The one message in the channel that contains `fragment`."""
    [post] = wait_for_post(running, channel, fragment)
    return str(post.args["text"])


def dm_says(running: RunningBot, user: str, fragment: str) -> list[str]:
    """Direct messages to `user` that contain `fragment`, once there is one."""
    return [str(c.args["text"]) for c in wait_for_post(running, user, fragment)]


def count_posts(running: RunningBot, channel: str, fragment: str) -> int:
    return len([c for c in posts_to(running, channel) if fragment in c.args["text"]])


def holder(running: RunningBot, incident_id: int, role: Any) -> str | None:
    return running.services.view_of(incident_id).roster.holder(role)


def wait_holder(running: RunningBot, incident_id: int, role: Any, user: str) -> None:
    wait_until(lambda: holder(running, incident_id, role) == user)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
