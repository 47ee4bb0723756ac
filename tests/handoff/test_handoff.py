"""`/incident handoff @person <note>` through signed requests against the fake Slack."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from incidentbot.incident.models import EventKind, Role
from incidentbot.store.tables import reminders
from tests.e2e.helpers import declare, wait_until
from tests.e2e.timeline_helpers import command_reply
from tests.support.harness import RunningBot
from tests.support.signing import slash_command

NOTE = "Mitigation in place; watching the error rate; next update due 14:30"


def _commander(running: RunningBot, incident_id: int) -> str | None:
    return running.services.view_of(incident_id).roster.holder(Role.COMMANDER)


def _posts_to(running: RunningBot, channel: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in running.slack.ok_calls_to("chat.postMessage")
        if c.args["channel"] == channel
    ]


def _dms_to(running: RunningBot, user: str) -> list[str]:
    return _posts_to(running, running.slack.dm_channel_id(user)) + _posts_to(running, user)


def _handed_over(running: RunningBot, incident: Any, words: str, user_id: str = "U001") -> str:
    """Send `/incident handoff <words>` in the incident's channel; the reply once it is applied."""
    before = set(_replies(running, user_id))
    response = running.client.command(f"handoff {words}", user_id=user_id, channel_id=incident.channel_id)
    assert response.status == 200, response.body
    running.slack.wait_until(lambda: bool(set(_replies(running, user_id)) - before), timeout=30)
    return next(r for r in _replies(running, user_id) if r not in before)


def _pending_handoffs(running: RunningBot) -> int:
    """Journalled hand-overs not yet applied (or given up on)."""
    return _journalled(running, "pending")


def _journalled(running: RunningBot, state: str | None = None) -> int:
    """Journalled hand-overs in this state, or in any."""
    query = select(func.count()).where(reminders.c.kind == "apply_handoff")
    if state is not None:
        query = query.where(reminders.c.state == state)
    with running.bot.engine.connect() as db:
        return int(db.execute(query).scalar_one())


def _replies(running: RunningBot, user: str) -> list[str]:
    """What the bot told `user` alone, in the channel (checklists arrive by DM, apart from these)."""
    return [
        str(c.args["text"])
        for c in running.slack.calls_to("chat.postEphemeral")
        if c.args.get("user") == user
    ]


def test_help_lists_handoff_with_an_example(running: RunningBot) -> None:
    text = running.client.command("help").text
    assert "`/incident handoff @person &lt;note&gt;`" in text, "Slack shows &lt; as <"
    assert "e.g. `/incident handoff @dana Mitigation in place" in text


def test_the_commander_hands_over_with_a_note_posted_dmed_on_the_timeline_and_summary(
    running: RunningBot,
) -> None:
    incident = declare(running, comms="U002")
    running.slack.clear_calls()
    reply = _handed_over(running, incident, f"@carol {NOTE}")

    assert "Command of #1 is handed over to <@U003>" in reply
    assert _commander(running, incident.id) == "U003"
    assert "U003" in running.slack.members(incident.channel_id), "the new commander is invited"
    running.slack.wait_until(
        lambda: bool(_dms_to(running, "U003")) and bool(running.slack.calls_to("chat.update"))
    )
    (post,) = [p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p]
    assert "<@U003> is now Incident commander, taking over from <@U001>" in post
    assert f"> {NOTE}" in post
    assert "from <@U002>" in post, "names who owes the next update"
    handover_dm = next(d for d in _dms_to(running, "U003") if "hand-over note" in d)
    assert "You are now *incident commander* for #1" in handover_dm and f"> {NOTE}" in handover_dm
    assert "The open promise you now own:* the next update is due <!date^" in handover_dm
    assert "<@U002> writes it as communications lead" in handover_dm
    assert any("You are *incident commander*" in d for d in _dms_to(running, "U003")), "and the checklist"
    assert "*Incident commander:* <@U003>" in running.slack.last("chat.update").args["text"]
    assert "IC: carol" in running.slack.wait_for("conversations.setTopic")[0].args["topic"]
    with running.services.store.transaction() as tx:
        events = [(e.kind, e.text, e.actor_id, e.source) for e in tx.events(incident.id)]
        history = [
            (a.user_id, a.ended_at is None) for a in tx.role_history(incident.id) if a.role == "commander"
        ]
    assert (EventKind.ROLE_ASSIGNED, "Incident commander: carol", "U001", "auto") in events
    assert (EventKind.NOTE, NOTE, "U001", "handoff") in events
    assert history == [("U001", False), ("U003", True)]
    assert not _pending_handoffs(running), "the journalled hand-over is settled"


def test_with_no_communications_lead_the_new_commander_owns_posting_the_update(running: RunningBot) -> None:
    incident = declare(running)
    _handed_over(running, incident, f"@carol {NOTE}")
    running.slack.wait_until(lambda: any("hand-over note" in d for d in _dms_to(running, "U003")))
    handover_dm = next(d for d in _dms_to(running, "U003") if "hand-over note" in d)
    assert "with no communications lead it is yours to post (`/incident update`)" in handover_dm


def test_an_overdue_promise_is_handed_over_as_overdue(running: RunningBot) -> None:
    incident = declare(running)
    running.clock.advance(timedelta(minutes=20))  # the first update was due 15 minutes after declaring
    _handed_over(running, incident, f"@carol {NOTE}")
    running.slack.wait_until(lambda: any("hand-over note" in d for d in _dms_to(running, "U003")))
    handover_dm = next(d for d in _dms_to(running, "U003") if "hand-over note" in d)
    assert "The open promise you now own is overdue:* the next update was due" in handover_dm
    post = next(p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p)
    assert "(overdue)" in post


def test_a_name_typed_as_a_word_is_looked_up(running: RunningBot) -> None:
    incident = declare(running)
    body, kind = slash_command(f"handoff carol {NOTE}", channel_id=incident.channel_id, should_escape=False)
    assert running.client.post(body, kind).status == 200
    wait_until(lambda: _commander(running, incident.id) == "U003")


def test_only_the_commander_hands_over(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    reply = _handed_over(running, incident, f"@carol {NOTE}", user_id="U002")
    assert "Only the incident commander, <@U001>, can hand over command" in reply
    assert _commander(running, incident.id) == "U001"
    assert not [p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p]
    assert not _pending_handoffs(running), "a refused hand-over is closed, not retried"


def test_a_handover_without_a_note_is_refused_with_what_to_type(running: RunningBot) -> None:
    incident = declare(running)
    for words in ("handoff @carol", "handoff @carol    "):
        reply = running.client.command(words, channel_id=incident.channel_id).text
        assert "Add a hand-over note after <@U003>" in reply
        assert "`/incident handoff @dana Mitigation in place;" in reply
    reply = running.client.command("handoff", channel_id=incident.channel_id).text
    assert "Name who takes over and what they need to know, e.g. `/incident handoff @dana" in reply
    assert not _journalled(running), "nothing journalled"
    assert _commander(running, incident.id) == "U001"


def test_a_note_too_long_is_refused(running: RunningBot) -> None:
    incident = declare(running)
    reply = running.client.command(f"handoff @carol {'x' * 1501}", channel_id=incident.channel_id).text
    assert "under 1500 characters; this one has 1501" in reply
    assert _commander(running, incident.id) == "U001"


def test_handing_over_to_yourself_or_a_bot_or_nobody_is_refused(running: RunningBot) -> None:
    incident = declare(running)
    reply = running.client.command(f"handoff @alice {NOTE}", channel_id=incident.channel_id).text
    assert "You already hold command. Name the person taking over from you" in reply
    reply = running.client.command(f"handoff @nobody {NOTE}", channel_id=incident.channel_id).text
    assert "Nobody in this workspace goes by `@nobody`" in reply
    assert "`/incident handoff @name &lt;what they need to know&gt;`" in reply
    bot_reply = _handed_over(running, incident, f"@incidentbot {NOTE}")
    assert "A bot can't hold an incident role" in bot_reply
    assert _commander(running, incident.id) == "U001"


def test_handing_over_outside_an_incident_channel_says_where(running: RunningBot) -> None:
    reply = command_reply(running, f"handoff @carol {NOTE}", channel_id="C0GENERAL")
    assert "only inside an incident channel" in reply


def test_the_same_handoff_delivered_twice_is_applied_once(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.clear_calls()
    first = running.client.command(
        f"handoff @carol {NOTE}", channel_id=incident.channel_id, trigger_id="T.1.a"
    )
    again = running.client.command(
        f"handoff @carol {NOTE}", channel_id=incident.channel_id, trigger_id="T.1.a"
    )
    assert first.status == again.status == 200
    assert again.body == b"", "a repeat is acknowledged and nothing more"
    running.slack.wait_until(lambda: any("hand-over note" in d for d in _dms_to(running, "U003")))
    running.settle()
    running.fire_due()
    assert _journalled(running) == 1, "the repeat is not even journalled"
    assert not [r for r in _replies(running, "U001") if "already holds command" in r]
    assert len([p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p]) == 1
    assert len([d for d in _dms_to(running, "U003") if "hand-over note" in d]) == 1
    with running.services.store.transaction() as tx:
        notes = [e for e in tx.events(incident.id) if e.source == "handoff"]
    assert len(notes) == 1


def test_the_checker_reads_the_note_and_shows_findings_without_blocking(running: RunningBot) -> None:
    incident = declare(running)
    reply = _handed_over(running, incident, "@carol Bob recklessly pushed an untested config; rolled back")
    assert "The communication checker found 1 thing worth a second look in the note" in reply
    assert "“Bob recklessly pushed an untested config”: This points at a person as the cause" in reply
    assert "_Describe what let it happen instead" in reply
    assert "it is posted as written" in reply
    assert _commander(running, incident.id) == "U003"
    clean = _handed_over(running, incident, f"@alice {NOTE}", user_id="U003")
    assert "communication checker" not in clean


def test_user_text_in_the_note_is_escaped_once(running: RunningBot) -> None:
    incident = declare(running)
    _handed_over(running, incident, "@carol <!channel> rollback of A&B <done>")
    running.slack.wait_until(
        lambda: any("Command handed over" in p for p in _posts_to(running, incident.channel_id))
    )
    post = next(p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p)
    assert "<!channel>" not in post, "pings nobody"
    assert "> &lt;!channel&gt; rollback of A&amp;B &lt;done&gt;" in post, "reads as typed"
    with running.services.store.transaction() as tx:
        stored = [e.text for e in tx.events(incident.id) if e.source == "handoff"]
    assert stored == ["<!channel> rollback of A&B <done>"], "Slack's escaping decoded once"


def test_a_held_up_post_is_explained_and_delivered_later(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.inject("chat.postMessage", status=500, times=None)
    reply = _handed_over(running, incident, f"@carol {NOTE}")
    assert _commander(running, incident.id) == "U003", "the hand-over is recorded"
    assert "Saved. Slack did not take the message" in reply
    running.slack.clear_faults()
    running.clock.advance(timedelta(minutes=2))
    running.fire_due()
    running.slack.wait_until(
        lambda: any("Command handed over" in p for p in _posts_to(running, incident.channel_id))
    )
    assert len([d for d in _dms_to(running, "U003") if "hand-over note" in d]) == 1


def test_a_handoff_replayed_after_command_changed_hands_is_closed_and_explained(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.inject("users.info", error="fatal_error", times=None)
    running.client.command(f"handoff @carol {NOTE}", channel_id=incident.channel_id)
    running.slack.wait_until(lambda: any("Saved. Slack did not take" in r for r in _replies(running, "U001")))
    assert _pending_handoffs(running) == 1, "kept for a retry"
    running.slack.clear_faults()
    running.client.command("role ic @carol", channel_id=incident.channel_id)
    wait_until(lambda: _commander(running, incident.id) == "U003")
    running.clock.advance(timedelta(minutes=5))
    running.fire_due()
    running.slack.wait_until(lambda: any("already holds command" in r for r in _replies(running, "U001")))
    assert not _pending_handoffs(running), "closed, not retried for ever"
    assert not [p for p in _posts_to(running, incident.channel_id) if "Command handed over" in p]


def test_a_resolved_incident_is_not_handed_over(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("status resolved", channel_id=incident.channel_id)
    wait_until(lambda: not running.incident().is_open)
    running.client.command(f"handoff @carol {NOTE}", channel_id=incident.channel_id)
    running.slack.wait_until(lambda: any("already resolved" in r for r in _replies(running, "U001")))
    reply = next(r for r in _replies(running, "U001") if "already resolved" in r)
    assert "Incident #1 is already resolved" in reply and "`/incident status investigating`" in reply
    assert _commander(running, incident.id) == "U001"
    assert not _pending_handoffs(running)
