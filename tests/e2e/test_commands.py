"""`/incident` subcommands through signed requests."""

from __future__ import annotations

from incidentbot.incident.models import Severity, Status
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.e2e.timeline_helpers import command_reply
from tests.support.harness import RunningBot


def test_help_lists_every_subcommand(running: RunningBot) -> None:
    text = running.client.command("help").body.decode()
    for word in ("declare", "role", "severity", "status", "list", "retry", "help"):
        assert f"/incident {word}" in text


def test_unknown_subcommand_answers_with_help(running: RunningBot) -> None:
    text = running.client.command("frobnicate now").body.decode()
    assert "I don't know `frobnicate`" in text
    assert "/incident role" in text


def test_channel_commands_outside_an_incident_channel_say_how_to_find_it(running: RunningBot) -> None:
    for command in ("role comms @bob", "severity 1", "status identified"):
        text = command_reply(running, command, channel_id="C0GENERAL")
        assert "only inside an incident channel" in text
        assert "/incident list" in text


def test_role_command_assigns_invites_dms_and_updates_summary(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.clear_calls()
    response = running.client.command("role comms @bob", channel_id=incident.channel_id)
    assert response.status == 200
    topic = running.slack.wait_for("conversations.setTopic")[0]
    assert topic.args["channel"] == incident.channel_id
    assert running.slack.last("conversations.invite").args["users"] == ["U002"]
    posts = running.slack.ok_calls_to("chat.postMessage")
    notice = next(p for p in posts if p.args["channel"] == incident.channel_id).args["text"]
    assert "<@U002> is now Communications lead" in notice
    checklist = next(p for p in posts if p.args["channel"] == "U002").args["text"]
    assert "communications lead" in checklist and "next update is a promise" in checklist
    summary = running.slack.last("chat.update").args
    assert "*Communications lead:* <@U002>" in summary["text"]


def test_role_aliases_and_reassignment_keep_history(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("role ic @carol", channel_id=incident.channel_id)
    wait_until(lambda: running.services.view_of(incident.id).roster.commander == "U003")
    with running.services.store.transaction() as tx:
        history = tx.role_history(incident.id)
    commanders = [(a.user_id, a.ended_at is not None) for a in history if a.role == "commander"]
    assert commanders == [("U001", True), ("U003", False)]


def test_role_for_unknown_or_bot_user_is_explained(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.clear_calls()
    reply = running.client.command("role scribe @nobody", channel_id=incident.channel_id).text
    assert "Nobody in this workspace goes by `@nobody`" in reply
    assert "`/incident role scribe @name`" in reply, "says what to type next"
    running.client.command("role scribe @incidentbot", channel_id=incident.channel_id)
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert "A bot can't hold an incident role" in note["text"] and note["user"] == "U001"


def test_role_usage_errors(running: RunningBot) -> None:
    incident = declare(running)
    for text in ("role", "role wizard @bob", "role comms", "role comms   "):
        body = running.client.command(text, channel_id=incident.channel_id).body.decode()
        assert "/incident role comms @alice" in body


def test_severity_and_status_change_record_and_refresh(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.clear_calls()
    running.client.command("severity 2", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().severity is Severity.SEV2)
    running.client.command("status identified", channel_id=incident.channel_id)
    changed = wait_until(lambda: (i := running.incident()).status is Status.IDENTIFIED and i)
    # Both changes run after their acknowledgements, possibly at once: wait for the final topic.
    running.slack.wait_until(
        lambda: _last_topic(running).startswith("SEV-2 · identified"),
        what="the topic to show both changes",
    )
    with running.services.store.transaction() as tx:
        kinds = [e.kind for e in tx.events(changed.id)]
    assert kinds[-2:] == ["severity_changed", "status_changed"]
    notices = [c.args["text"] for c in running.slack.ok_calls_to("chat.postMessage")]
    assert any("Severity changed from SEV-1 to SEV-2" in t for t in notices)


def _last_topic(running: RunningBot) -> str:
    calls = running.slack.ok_calls_to("conversations.setTopic")
    return str(calls[-1].args["topic"]) if calls else ""


def test_bad_severity_and_status_are_explained(running: RunningBot) -> None:
    incident = declare(running)
    assert (
        "Severity is 1 to 4"
        in running.client.command("severity 7", channel_id=incident.channel_id).body.decode()
    )
    assert (
        "Status is one of"
        in running.client.command("status fixed", channel_id=incident.channel_id).body.decode()
    )


def test_resolved_status_records_the_time(running: RunningBot) -> None:
    incident = declare(running)
    running.client.command("status resolved", channel_id=incident.channel_id)
    resolved = wait_until(lambda: (i := running.incident()).resolved_at and i)
    assert resolved.resolved_at == running.clock.now()
    assert resolved.next_update_due is None


def test_list_shows_open_incidents_but_private_only_to_members(running: RunningBot) -> None:
    declare(running, title="Public one")
    submit_declare(running, title="Secret one", private=True)
    secret = wait_until(lambda: (i := running.incident(2)) and i.setup_state == "ready" and i)
    for_member = command_reply(running, "list", user_id="U001")
    assert "Public one" in for_member and "Secret one" in for_member
    for_outsider = command_reply(running, "list", user_id="U004")
    assert "Public one" in for_outsider and "Secret one" not in for_outsider
    assert secret.is_private


def test_only_the_commander_can_hand_over_command(running: RunningBot) -> None:
    incident = declare(running, user="U001")
    running.slack.clear_calls()
    running.client.command("role ic @bob", user_id="U002", channel_id=incident.channel_id)
    note = running.slack.wait_for("chat.postEphemeral")[0].args
    assert note["user"] == "U002"
    assert "Only the incident commander, <@U001>, can hand over command" in note["text"]
    assert running.services.view_of(incident.id).roster.commander == "U001"


EPHEMERAL = "chat.postEphemeral"


def test_asking_for_the_severity_or_status_it_already_has_changes_nothing(running: RunningBot) -> None:
    incident = declare(running)
    with running.services.store.transaction() as tx:
        events_before = len(tx.events(incident.id))
    running.slack.clear_calls()
    for command, said in (
        ("severity 1", "already SEV-1; nothing changed"),
        ("status investigating", "already investigating; nothing changed"),
    ):
        running.client.command(command, channel_id=incident.channel_id)
        running.slack.wait_until(
            lambda said=said: any(said in c.args["text"] for c in running.slack.calls_to(EPHEMERAL)),
            what=f"the answer to {command!r}",
        )
    assert running.slack.ok_calls_to("chat.postMessage") == []
    assert running.slack.ok_calls_to("chat.update") == []
    assert running.slack.ok_calls_to("conversations.setTopic") == []
    with running.services.store.transaction() as tx:
        assert len(tx.events(incident.id)) == events_before
    assert running.incident().severity is Severity.SEV1
    assert running.incident().status is Status.INVESTIGATING
