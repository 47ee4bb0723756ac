"""An inject that needs a reply from a role is answered by what people post in the drill channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from incidentbot.drills.replies import RecordReply
from incidentbot.drills.sql_store import drills_of
from incidentbot.kernel import commands
from tests.drills.helpers import advance, reply, start_drill
from tests.e2e.helpers import wait_until
from tests.e2e.wrapup_helpers import posted
from tests.support.fake_events import person_posts, redeliver
from tests.support.fake_slack import BOT_USER_ID
from tests.support.harness import RunningBot

SUPPORT_ASKS = 4
"""checkout-lock's inject 4 (at 12 min): Support asks what to tell customers; the comms lead
must reply within 3 min. At time scale 60: at 12 s, within 3 s."""


def _replies(running: RunningBot, incident_id: int) -> list[Any]:
    with running.services.store.transaction() as tx:
        return drills_of(tx).replies(incident_id)


def _inject_ts(running: RunningBot, incident_id: int, number: int) -> str:
    with running.services.store.transaction() as tx:
        [inject] = [i for i in drills_of(tx).injects(incident_id) if i.number == number]
    assert inject.message_ts is not None, "the inject's message is remembered for its thread"
    return inject.message_ts


def _support_asks(running: RunningBot) -> Any:
    incident = start_drill(running)
    advance(running, 0)
    advance(running, 12)
    running.settle()
    return incident


def _line(card: str) -> str:
    return next(line for line in card.splitlines() if line.startswith(f"• Inject {SUPPORT_ASKS}: a reply"))


def _scorecard(running: RunningBot, channel: str) -> str:
    reply(running, "drill end", channel, "The drill has ended")
    return str(posted(running, channel, "Drill scorecard").args["text"])


def test_a_reply_in_the_injects_thread_from_the_role_is_done_once_however_often_slack_sends_it(
    running: RunningBot,
) -> None:
    incident = _support_asks(running)
    channel = incident.channel_id
    thread = _inject_ts(running, incident.id, SUPPORT_ASKS)
    advance(running, 1)
    sent = person_posts(
        running.slack, running.client, channel, "U002", "Tell them checkout is down", thread_ts=thread
    )
    assert sent.response is not None and sent.response.status == 200
    assert redeliver(running.client, sent, retry_num=1).status == 200
    assert redeliver(running.client, sent, retry_num=2).status == 200
    [kept] = wait_until(lambda: _replies(running, incident.id))
    assert (kept.user_id, kept.ts, kept.thread_ts) == ("U002", sent.ts, thread)
    running.settle()
    assert len(_replies(running, incident.id)) == 1, "one message, recorded once"
    line = _line(_scorecard(running, channel))
    assert "from the Communications lead within 3 min — *done* after 1 min (<@U002>)" in line


def test_bot_messages_edits_and_other_peoples_messages_are_not_replies(running: RunningBot) -> None:
    incident = _support_asks(running)
    channel = incident.channel_id
    thread = _inject_ts(running, incident.id, SUPPORT_ASKS)
    # Each in the inject's thread, where any person's message would count as an answer.
    base = {"type": "message", "channel": channel, "ts": "1767268900.000100", "thread_ts": thread}
    others = [
        {**base, "subtype": "bot_message", "bot_id": "B0OTHER", "text": "beep"},
        {**base, "user": BOT_USER_ID, "text": "the bot itself"},
        {**base, "subtype": "message_changed", "hidden": True, "message": {"user": "U002", "text": "x"}},
        {**base, "subtype": "channel_join", "user": "U002", "text": "joined"},
    ]
    for number, event in enumerate(others):
        response = running.client.event(event, event_id=f"EvOther{number}")
        assert response.status == 200, response.body
    # The commander is not the comms lead: a message of theirs outside the thread answers nothing.
    person_posts(running.slack, running.client, channel, "U001", "Working on it")
    running.settle()
    assert _replies(running, incident.id) == []


def test_no_reply_by_the_deadline_is_missing_and_says_who_answered_instead(running: RunningBot) -> None:
    incident = _support_asks(running)
    channel = incident.channel_id
    thread = _inject_ts(running, incident.id, SUPPORT_ASKS)
    advance(running, 1)
    person_posts(running.slack, running.client, channel, "U001", "I'll handle it", thread_ts=thread)
    advance(running, 3)  # 4 min after the inject: past the 3-min deadline
    person_posts(
        running.slack, running.client, channel, "U002", "Customers: checkout is down, next update 12:30"
    )
    wait_until(lambda: len(_replies(running, incident.id)) == 2 or None)
    line = _line(_scorecard(running, channel))
    assert "— *missing* (<@U002> replied after 4 min, past the deadline)" in line
    assert "(<@U001> answered in the thread, not the Communications lead)" not in line, "a late reply came"


def test_a_thread_answer_by_someone_else_is_named_when_the_role_never_replies(running: RunningBot) -> None:
    incident = _support_asks(running)
    channel = incident.channel_id
    thread = _inject_ts(running, incident.id, SUPPORT_ASKS)
    advance(running, 1)
    person_posts(running.slack, running.client, channel, "U001", "I'll handle it", thread_ts=thread)
    wait_until(lambda: _replies(running, incident.id))
    line = _line(_scorecard(running, channel))
    assert "— *missing* (<@U001> answered in the thread, not the Communications lead)" in line


def test_a_reply_journalled_by_a_process_that_died_is_applied_by_the_scheduler(running: RunningBot) -> None:
    incident = _support_asks(running)
    thread = _inject_ts(running, incident.id, SUPPORT_ASKS)
    advance(running, 1)
    # Acknowledged and journalled, then the process died before applying it.
    asked = RecordReply(
        user_id="U002", channel_id=incident.channel_id, ts="1767268999.000100", thread_ts=thread
    )
    assert commands.submit(running.services, asked, "EvDied000001") is not None
    assert _replies(running, incident.id) == []
    running.clock.advance(timedelta(minutes=2))
    running.fire_due(callers_alive=False)
    [kept] = _replies(running, incident.id)
    assert (kept.user_id, kept.thread_ts) == ("U002", thread)
