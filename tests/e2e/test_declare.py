"""Declaring an incident through signed requests, end to end."""

from __future__ import annotations

from sqlalchemy import func, select

from incidentbot.incident.models import Role, SetupState
from incidentbot.kernel.journal_kinds import JournalKind
from incidentbot.store.tables import reminders
from tests.e2e.helpers import declare, submit_declare, wait_until
from tests.support.harness import RunningBot
from tests.support.times import slack_time


def test_bare_command_opens_the_declare_modal(running: RunningBot) -> None:
    response = running.client.command("", user_id="U001", channel_id="C0GENERAL")
    assert response.status == 200
    call = running.slack.wait_for("views.open")[0]
    view = call.args["view"]
    assert view["callback_id"] == "declare_incident"
    assert call.args["trigger_id"]
    block_ids = [block["block_id"] for block in view["blocks"]]
    assert block_ids == ["title", "severity", "impact", "commander", "comms", "scribe", "options"]
    severity_options = [o["text"]["text"] for o in view["blocks"][1]["element"]["options"]]
    assert severity_options[0].startswith("SEV-1: Critical")
    assert len(severity_options) == 4
    commander = view["blocks"][3]["element"]
    assert commander["initial_user"] == "U001", "the commander defaults to the declarer"


def test_declare_with_title_prefills_it(running: RunningBot) -> None:
    running.client.command("declare Payments API returning errors", user_id="U001")
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["blocks"][0]["element"]["initial_value"] == "Payments API returning errors"


def test_submit_builds_channel_alert_pinned_summary_and_topic(running: RunningBot) -> None:
    incident = declare(running, user="U001", comms="U002", scribe="U003")
    slack = running.slack
    assert incident.setup_state is SetupState.READY
    created = slack.last("conversations.create").args
    assert created["name"] == "inc-1-checkout-failing"
    assert incident.channel_id and incident.channel_name == "inc-1-checkout-failing"
    invited = slack.last("conversations.invite").args["users"]
    assert sorted(invited) == ["U001", "U002", "U003"]
    posts = [
        c.args for c in slack.ok_calls_to("chat.postMessage") if c.args["channel"] == incident.channel_id
    ]
    alert, summary = posts[0]["text"], posts[1]["text"]
    assert "SEV-1 incident declared: Checkout failing" in alert
    assert "Users cannot complete checkout" in alert
    assert f"First update due by {slack_time('12:15')}" in alert, "first update is due 15 min after declaring"
    assert "<@U002>" in alert and "<@U003>" in alert
    assert "Incident #1: Checkout failing" in summary
    assert slack.last("pins.add").args["timestamp"] == incident.summary_ts
    topic = slack.last("conversations.setTopic").args["topic"]
    assert topic.startswith("SEV-1 · investigating · IC: alice")
    with running.services.store.transaction() as tx:
        roster = tx.roster(incident.id)
        events = tx.events(incident.id)
    assert (roster.commander, roster.comms, roster.scribe) == ("U001", "U002", "U003")
    assert events[0].kind == "declared"
    dms = {c.args["channel"] for c in slack.ok_calls_to("chat.postMessage")} - {incident.channel_id}
    assert {"U002", "U003"} <= dms, "comms lead and scribe get their checklists"


def test_summary_offers_to_fill_empty_roles(running: RunningBot) -> None:
    incident = declare(running)
    summary = running.slack.last("chat.update").args
    assert summary["ts"] == incident.summary_ts
    buttons = [e["action_id"] for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "open_assign_roles" in buttons
    assert "take_role:comms" in buttons and "take_role:scribe" in buttons
    assert "take_role:commander" not in buttons


def test_private_incident_gets_private_channel(running: RunningBot) -> None:
    declare(running, private=True)
    assert running.slack.last("conversations.create").args["is_private"] in (True, "true", "1", 1)


def test_numbers_increase_per_workspace(running: RunningBot) -> None:
    declare(running, title="First")
    submit_declare(running, title="Second")
    second = wait_until(lambda: running.incident(2))
    assert second.number == 2 and second.title == "Second"


def test_name_taken_adds_a_suffix(running: RunningBot) -> None:
    running.slack.inject("conversations.create", error="name_taken")
    incident = declare(running)
    names = [c.args["name"] for c in running.slack.calls_to("conversations.create")]
    assert names == ["inc-1-checkout-failing", "inc-1-checkout-failing-2"]
    assert incident.channel_name == "inc-1-checkout-failing-2"


def test_title_without_ascii_still_gets_a_valid_channel(running: RunningBot) -> None:
    incident = declare(running, title="Ошибка оплаты")
    assert incident.channel_name == "inc-1"


def test_rate_limited_create_is_retried_after_retry_after(running: RunningBot) -> None:
    running.slack.inject("conversations.create", status=429, retry_after=1)
    incident = declare(running)
    assert incident.setup_state is SetupState.READY
    statuses = [c.status for c in running.slack.calls_to("conversations.create")]
    assert statuses == [429, 200]


def test_slack_failure_keeps_the_incident_and_retry_finishes_it(running: RunningBot) -> None:
    # One call and slack-sdk's two server-error retries, all failing.
    running.slack.inject("conversations.create", status=500, times=3)
    incident = declare(running)
    assert incident.setup_state is SetupState.FAILED
    assert "conversations.create" in (incident.setup_error or "")
    # The failure is saved before the DM goes out: wait for the DM rather than race it.
    notice = wait_until(
        lambda: [c for c in running.slack.ok_calls_to("chat.postMessage") if c.args["channel"] == "U001"]
    )[-1]
    assert "Slack is not answering right now (conversations.create: internal_error)" in notice.args["text"]
    assert "I keep trying on my own" in notice.args["text"]
    assert any(
        e.get("action_id") == "retry_setup" for b in notice.args["blocks"] for e in b.get("elements", [])
    )
    running.settle()  # the DM goes out before the failed setup is put back for its retry
    running.slack.clear_calls()
    response = running.client.command("retry", user_id="U001", channel_id="C0GENERAL")
    assert "Retrying the setup of #1" in response.body.decode()
    assert _journalled(running, JournalKind.RETRY_SETUP) == 1, "the answer promises a retry on record"
    done = wait_until(lambda: (i := running.incident()) and i.setup_state is SetupState.READY and i)
    assert done.channel_id is not None
    assert running.slack.count("pins.add") == 1


def test_declare_roles_are_recorded_with_history(running: RunningBot) -> None:
    incident = declare(running, user="U001", commander="U002")
    with running.services.store.transaction() as tx:
        history = tx.role_history(incident.id)
    assert [(a.role, a.user_id, a.assigned_by) for a in history] == [(Role.COMMANDER, "U002", "U001")]


def _journalled(running: RunningBot, kind: str) -> int:
    with running.bot.engine.connect() as db:
        return db.execute(
            select(func.count()).select_from(reminders).where(reminders.c.kind == kind)
        ).scalar_one()
