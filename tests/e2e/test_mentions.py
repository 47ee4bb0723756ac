"""People named in `/incident` commands: completed mentions, names typed as words, and escaping off."""

from __future__ import annotations

from typing import Any

from incidentbot.incident.models import Role
from tests.e2e.helpers import declare, wait_until
from tests.support.harness import RunningBot
from tests.support.signing import slash_command


def _comms_of(running: RunningBot, incident_id: int) -> str | None:
    return running.services.view_of(incident_id).roster.holder(Role.COMMS)


def test_slack_sends_a_completed_mention_with_its_name_and_the_role_is_assigned(running: RunningBot) -> None:
    incident = declare(running)
    running.slack.clear_calls()
    running.client.command("role comms @carol", channel_id=incident.channel_id)
    wait_until(lambda: _comms_of(running, incident.id) == "U003")
    assert not running.slack.calls_to("users.list"), "a completed mention needs no lookup"


def test_with_escaping_off_a_typed_mention_is_looked_up(running: RunningBot) -> None:
    incident = declare(running)
    body, kind = slash_command("role comms @carol", channel_id=incident.channel_id, should_escape=False)
    assert "text=role+comms+%40carol" in body, "Slack sends the mention as typed"
    response = running.client.post(body, kind)
    assert response.status == 200
    assert "Say which role and who" not in response.text
    wait_until(lambda: _comms_of(running, incident.id) == "U003")


def test_a_display_or_real_name_typed_as_words_is_looked_up(running: RunningBot) -> None:
    running.slack.add_user("U006", "cking", "Carol King")
    incident = declare(running)
    running.client.command("role comms carol king", channel_id=incident.channel_id)
    wait_until(lambda: _comms_of(running, incident.id) == "U006")


def test_an_ambiguous_name_is_answered_with_the_candidates(running: RunningBot) -> None:
    running.slack.add_user("U006", "cking", "Carol King")
    running.slack.add_user("U007", "ck2", "Carol King")
    incident = declare(running)
    reply = running.client.command("role comms Carol King", channel_id=incident.channel_id).text
    assert "More than one person goes by `Carol King`" in reply
    assert "<@U006> (cking)" in reply and "<@U007> (ck2)" in reply
    assert "`/incident role comms @name`" in reply
    assert _comms_of(running, incident.id) is None


def test_an_unknown_name_suggests_people_named_alike(running: RunningBot) -> None:
    incident = declare(running)
    reply = running.client.command("role scribe @car", channel_id=incident.channel_id).text
    assert "Nobody here goes by `@car`. Did you mean <@U003> (carol)?" in reply


def test_the_directory_is_read_page_by_page_and_kept(running: RunningBot) -> None:
    for number in range(450):
        running.slack.add_user(f"U9{number:04d}", f"person{number}")
    incident = declare(running)
    running.slack.clear_calls()
    body, kind = slash_command("role comms person449", channel_id=incident.channel_id, should_escape=False)
    running.client.post(body, kind)
    wait_until(lambda: _comms_of(running, incident.id) == "U90449")
    pages = running.slack.calls_to("users.list")
    assert len(pages) == 3
    cursors = [p.args.get("cursor") for p in pages]
    assert cursors[0] is None and len(set(cursors[1:])) == 2 and all(cursors[1:]), "follows next_cursor"
    assert all(int(p.args["limit"]) <= 200 for p in pages), "pages of at most 200, as Slack advises"
    running.client.post(*slash_command("role scribe person3", channel_id=incident.channel_id))
    wait_until(lambda: running.services.view_of(incident.id).roster.holder(Role.SCRIBE) == "U90003")
    assert len(running.slack.calls_to("users.list")) == 3, "the directory is cached"


def test_an_action_owner_typed_as_a_name_is_looked_up(running: RunningBot) -> None:
    incident = declare(running)
    body, kind = slash_command(
        "action Add a lock timeout @bob due:2026-01-05", channel_id=incident.channel_id, should_escape=False
    )
    running.client.post(body, kind)
    items = wait_until(lambda: _action_items(running, incident.id))
    assert [(i.text, i.owner_id) for i in items] == [("Add a lock timeout", "U002")]


def test_an_unclear_action_owner_keeps_nothing_and_says_what_to_type(running: RunningBot) -> None:
    incident = declare(running)
    reply = running.client.command("action Fix it @nobody", channel_id=incident.channel_id).text
    assert "Nobody in this workspace goes by `@nobody`" in reply and "/incident action" in reply
    with running.services.store.transaction() as tx:
        assert tx.action_items(incident.id) == []


def test_here_and_channel_tokens_survive_in_an_action(running: RunningBot) -> None:
    incident = declare(running)
    typed = "action Tell @here in #general @bob due:2026-01-05"
    running.client.command(typed, channel_id=incident.channel_id)
    items = wait_until(lambda: _action_items(running, incident.id))
    assert [(i.text, i.owner_id) for i in items] == [("Tell @here in #general", "U002")]


def _action_items(running: RunningBot, incident_id: int) -> list[Any]:
    """Action items are journalled before the answer and recorded just after it."""
    with running.services.store.transaction() as tx:
        return list(tx.action_items(incident_id))
