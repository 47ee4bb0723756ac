"""`/incident note` through signed slash commands."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.helpers import declare, pending_requests, wait_until
from tests.e2e.timeline_helpers import entries, note
from tests.support.harness import RunningBot


def _notes(running: RunningBot, incident_id: int) -> list[str]:
    return [e.text for e in entries(running, incident_id) if e.source == "note"]


def test_a_note_is_recorded_now_with_its_author(running: RunningBot) -> None:
    incident = declare(running)
    reply = note(running, "Rolled back deploy 4512", channel_id=incident.channel_id)
    assert "Added to the timeline of #1 at 12:00 UTC: Rolled back deploy 4512" in reply
    added = entries(running, incident.id)[-1]
    assert (added.kind, added.source, added.text) == ("note", "note", "Rolled back deploy 4512")
    assert (added.actor_id, added.actor_name) == ("U001", "alice")
    assert added.occurred_at == added.recorded_at == running.clock.now()


def test_a_note_at_a_time_reads_it_in_the_persons_slack_time_zone(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.add_user("U002", "bob", tz="America/New_York", tz_offset=-18000)
    running.client.command("role scribe @bob", channel_id=incident.channel_id)
    running.client.command("note 06:42 Error rate above 10%", user_id="U002", channel_id=incident.channel_id)
    reply = running.slack.wait_for("chat.postEphemeral")[-1].args["text"]
    assert "at 06:42 America/New_York (11:42 UTC)" in reply
    assert "your Slack time zone" in reply
    note = wait_until(lambda: [e for e in entries(running, incident.id) if e.source == "note"])[0]
    assert note.occurred_at == datetime(2026, 1, 1, 11, 42, tzinfo=UTC)
    assert note.recorded_at == running.clock.now()


def test_a_note_at_a_time_is_utc_when_the_person_has_no_time_zone(running: RunningBot) -> None:
    running.slack.add_user("U001", "alice", tz="")  # before declaring: the bot caches people
    incident = declare(running)
    running.client.command("note 09:42:30 Alert fired", channel_id=incident.channel_id)
    reply = running.slack.wait_for("chat.postEphemeral")[-1].args["text"]
    assert "at 09:42 UTC" in reply and "UTC (Slack gave no time zone for you)" in reply
    note = wait_until(lambda: [e for e in entries(running, incident.id) if e.source == "note"])[0]
    assert note.occurred_at == datetime(2026, 1, 1, 9, 42, 30, tzinfo=UTC)


def test_a_note_from_a_person_whose_slack_zone_is_utc_says_so(running: RunningBot) -> None:
    running.slack.add_user("U001", "alice", tz="UTC")  # before declaring: the bot caches people
    incident = declare(running)
    running.client.command("note 11:42 Alert fired", channel_id=incident.channel_id)
    reply = running.slack.wait_for("chat.postEphemeral")[-1].args["text"]
    assert "at 11:42 UTC, reading your time in your Slack time zone:" in reply
    assert "Slack gave no time zone" not in reply


def test_a_time_in_the_future_is_refused(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("note 12:30 Fixed", channel_id=incident.channel_id)
    reply = running.slack.wait_for("chat.postEphemeral")[-1].args
    assert reply["user"] == "U001"
    assert "12:30 Europe/London is later than now" in reply["text"]
    assert _notes(running, incident.id) == []


def test_a_malformed_time_is_explained_and_nothing_recorded(running: RunningBot) -> None:
    incident = declare(running)
    for given in ("25:99", "9:5pm", "12:60"):
        reply = running.client.command(f"note {given} Restarted", channel_id=incident.channel_id).text
        assert f"`{given}` isn't a time I can read" in reply
        assert "24-hour time (HH:MM)" in reply
    assert _notes(running, incident.id) == []


def test_an_empty_note_is_refused_with_an_example(running: RunningBot) -> None:
    incident = declare(running)
    for text in ("note", "note    ", "note 09:42", "note 09:42   "):
        reply = running.client.command(text, channel_id=incident.channel_id).text
        assert "Write the note after the command" in reply and "/incident note 09:42" in reply
    assert _notes(running, incident.id) == []


def test_here_in_a_note_is_escaped_in_the_reply(running: RunningBot) -> None:
    incident = declare(running)
    reply = note(running, "<!here> & <@U002> look", channel_id=incident.channel_id)
    assert "&lt;!here&gt; &amp; &lt;@U002&gt; look" in reply
    assert "<!here>" not in reply
    assert _notes(running, incident.id) == ["<!here> & <@U002> look"], "stored as typed, escaped when shown"


def test_a_note_outside_an_incident_channel_says_where_to_go(running: RunningBot) -> None:
    declare(running)
    reply = note(running, "Something", channel_id="C0000")
    assert "only inside an incident channel" in reply
    assert pending_requests(running) == [], "a request that cannot be applied is closed, not retried"


def test_help_lists_the_timeline_commands(running: RunningBot) -> None:
    text = running.client.command("help").text
    assert "/incident note [HH:MM] &lt;text&gt;" in text
    assert "/incident timeline`" in text and "/incident timeline export" in text


def test_a_long_note_is_kept_whole(running: RunningBot) -> None:
    incident = declare(running)
    text = "Timeline detail " + "x" * 3_900
    note(running, text, channel_id=incident.channel_id)
    assert _notes(running, incident.id) == [text]
