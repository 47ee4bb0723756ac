"""Next-update times people can trust: dated when not today, confirmed when far, overdue when missed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.helpers import declare
from tests.e2e.update_helpers import modal_errors, update_state, wait_for_post, wait_published
from tests.support import signing
from tests.support.harness import RunningBot
from tests.support.signing import Response
from tests.support.times import slack_time


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


def _submit(running: RunningBot, incident: Any, *, confirm_far: bool = False, **fields: Any) -> Response:
    state = update_state(**fields)
    state["next_far"] = {"value": signing.checkboxes(["confirmed"] if confirm_far else [])}
    metadata = json.dumps({"incident_id": incident.id, "channel": incident.channel_id})
    return running.client.submit("post_update", state, user_id="U002", private_metadata=metadata)


def _summaries(running: RunningBot, channel: str) -> list[str]:
    return [
        str(c.args["text"]) for c in running.slack.ok_calls_to("chat.update") if c.args["channel"] == channel
    ]


def _last_topic(running: RunningBot) -> str:
    calls = running.slack.ok_calls_to("conversations.setTopic")
    return str(calls[-1].args["topic"]) if calls else ""


def test_a_next_update_tomorrow_shows_its_date_in_the_post_summary_and_topic(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    tomorrow = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    assert _submit(running, incident, exact=_epoch(tomorrow)).status == 200
    shown = slack_time("09:00", day=2, fallback="Fri 2 Jan 09:00 UTC")
    post = wait_published(running, incident.channel_id, f"*Next update by {shown}*")
    assert post.args["channel"] == incident.channel_id
    running.slack.wait_until(
        lambda: any(f"*Next update due {shown}*" in s for s in _summaries(running, incident.channel_id)),
        what="the dated time in the summary",
    )
    assert _last_topic(running).endswith("next update Fri 2 Jan 09:00 UTC")


def test_a_nag_that_goes_out_after_midnight_dates_the_missed_time(running: RunningBot) -> None:
    running.clock.set(datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    incident = declare(running, comms="U002")  # first update due 23:45
    running.clock.set(datetime(2026, 1, 2, 0, 10, tzinfo=UTC))  # the bot was down across midnight
    running.fire_due()
    missed = slack_time("23:45", fallback="Thu 1 Jan 23:45 UTC")
    [nag] = wait_for_post(running, "U002", f"was due {missed}")
    assert f"If nothing is posted by {slack_time('00:15', day=2)}" in nag.args["text"]
    [notice] = wait_for_post(running, incident.channel_id, "is overdue")
    assert f"promised for {missed}" in notice.args["text"]


def test_a_next_update_more_than_a_day_away_asks_for_confirmation_first(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    far = running.clock.now() + timedelta(hours=24, minutes=1)
    errors = modal_errors(_submit(running, incident, exact=_epoch(far)))
    assert list(errors) == ["next_far"] and "more than 24 hours" in errors["next_far"]
    assert running.incident().next_update_due == running.clock.now() + timedelta(minutes=15), "nothing saved"

    assert _submit(running, incident, exact=_epoch(far), confirm_far=True).status == 200
    shown = slack_time("12:01", day=2, fallback="Fri 2 Jan 12:01 UTC")
    wait_published(running, incident.channel_id, f"*Next update by {shown}*")
    assert running.incident().next_update_due == far


def test_the_update_form_offers_the_confirmation_box(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("update", channel_id=incident.channel_id)
    view = running.slack.wait_for("views.open")[0].args["view"]
    [box] = [b for b in view["blocks"] if b["block_id"] == "next_far"]
    assert box["optional"] and [o["value"] for o in box["element"]["options"]] == ["confirmed"]


def test_the_summary_never_says_now_for_a_time_still_ahead(running: RunningBot) -> None:
    incident = declare(running)
    running.clock.advance(timedelta(minutes=14, seconds=31))  # 29 s before the first update is due
    running.client.command("role comms @bob", channel_id=incident.channel_id)
    running.slack.wait_until(
        lambda: any("*Communications lead:* <@U002>" in s for s in _summaries(running, incident.channel_id)),
        what="the summary with the new comms lead",
    )
    summary = _summaries(running, incident.channel_id)[-1]
    assert f"*Next update due {slack_time('12:15')}*" in summary
    assert "(now)" not in summary and "overdue" not in summary


def test_the_summary_says_overdue_since_the_missed_time_after_the_nag_and_escalation(
    running: RunningBot,
) -> None:
    incident = declare(running, comms="U002")
    channel = incident.channel_id
    overdue = f"*Next update overdue* since {slack_time('12:15')}"
    running.clock.advance(timedelta(minutes=15))
    running.fire_due()
    wait_for_post(running, "U002", f"was due {slack_time('12:15')}")
    running.slack.wait_until(lambda: overdue in _summaries(running, channel)[-1], what="overdue summary")

    rendered = len(_summaries(running, channel))
    running.clock.advance(timedelta(minutes=5))
    running.fire_due()
    wait_for_post(running, channel, "Still no update")
    running.slack.wait_until(
        lambda: len(_summaries(running, channel)) > rendered, what="the summary re-rendered at the escalation"
    )
    assert overdue in _summaries(running, channel)[-1]
