"""A whole SEV-1, as a new team runs it: declared, handed over, noted, updated late, raised,
resolved, reopened, nagged, resolved again, and written up.

Declared at 12:00 (SEV-2) by alice, who commands it; bob is the first communications lead.
"""

from __future__ import annotations

from typing import Any

from incidentbot.incident.models import Role, Severity, Status
from incidentbot.store.tables import incidents
from tests.e2e.helpers import wait_until
from tests.e2e.test_postmortem import uploaded_document
from tests.e2e.test_repeated_deliveries import count
from tests.e2e.timeline_helpers import entries, note
from tests.e2e.update_helpers import submit_update, wait_published
from tests.e2e.whole_incident_helpers import (
    at,
    channel_says,
    count_posts,
    declare_form_submitted,
    dm_says,
    minutes,
    pass_to,
    shows,
    summary_text,
    topic,
    wait_holder,
)
from tests.e2e.wrapup_helpers import submit_resolve, told
from tests.support.harness import RunningBot
from tests.support.times import slack_time

TITLE = "Checkout failing for EU customers"
NOTE = "Rolled back api & worker <v2.3>"
IMPACT = "Customers in the EU could not pay at checkout for 50 minutes"
COMMS, SCRIBE = "U003", "U006"  # carol, and dking whose display name is "Dana K"


def test_a_whole_sev1_from_declaration_to_postmortem(running: RunningBot) -> None:
    running.slack.add_user(SCRIBE, "dking", "Dana King", display_name="Dana K")
    incident = _declare_with_a_double_click(running)
    channel = incident.channel_id
    _hand_over_roles(running, incident)
    _note_with_slack_escaping(running, incident)
    _late_update_is_nagged(running, incident)
    _raised_to_sev1(running, incident)
    _resolved_reopened_nagged_and_resolved_again(running, incident)
    _postmortem(running, channel)


def _declare_with_a_double_click(running: RunningBot) -> Any:
    running.client.command(f"declare {TITLE}", user_id="U001", channel_id="C0GENERAL")
    form = running.slack.wait_for("views.open")[0].args["view"]
    assert form["blocks"][0]["element"]["initial_value"] == TITLE
    fields = {"severity": "2", "impact": "EU customers cannot pay", "comms": "U002"}
    answers = [declare_form_submitted(running, TITLE, **fields) for _ in range(2)]
    assert [(a.status, a.body) for a in answers] == [(200, b"")] * 2, "each click closes the form"
    incident = wait_until(lambda: (i := running.incident()) and i.setup_state == "ready" and i)
    running.settle()

    assert count(running, incidents) == 1
    assert running.slack.count("conversations.create") == 1
    assert incident.channel_name == "inc-1-checkout-failing-for-eu-customers"
    alert = channel_says(running, incident.channel_id, "incident declared")
    assert f"SEV-2 incident declared: {TITLE}" in alert
    assert f"First update due by {slack_time('12:15')}" in alert
    assert running.slack.pins_in(incident.channel_id) == [incident.summary_ts]
    assert topic(running).startswith("SEV-2 · investigating · IC: alice")
    return incident


def _hand_over_roles(running: RunningBot, incident: Any) -> None:
    at(running, "12:02")
    channel = incident.channel_id
    # Typed `@carol`; Slack sends the completed mention, as the manifest's should_escape asks.
    running.client.command("role comms @carol", channel_id=channel)
    wait_holder(running, incident.id, Role.COMMS, COMMS)
    assert f"<@{COMMS}> is now Communications lead (assigned by <@U001>)" in channel_says(
        running, channel, "is now Communications lead"
    )
    running.client.command("role scribe Dana K", channel_id=channel)  # the name Slack shows
    wait_holder(running, incident.id, Role.SCRIBE, SCRIBE)
    assert f"<@{SCRIBE}> is now Scribe" in channel_says(running, channel, "is now Scribe")
    dm_says(running, COMMS, "You are *communications lead*")  # the new lead's checklist
    shows(running, incident, f"*Communications lead:* <@{COMMS}>\n*Scribe:* <@{SCRIBE}>", "IC: alice")


def _note_with_slack_escaping(running: RunningBot, incident: Any) -> None:
    at(running, "12:05")
    reply = note(running, NOTE, channel_id=incident.channel_id)
    assert "Added to the timeline of #1 at 12:05 UTC: Rolled back api &amp; worker &lt;v2.3&gt;" in reply
    assert "&amp;amp;" not in reply
    notes = [e.text for e in entries(running, incident.id) if e.source == "note"]
    assert notes == [NOTE]
    running.client.command("timeline export", channel_id=incident.channel_id)
    exported, _ = uploaded_document(running)
    assert "Rolled back api & worker &lt;v2.3&gt;" in exported and "&amp;" not in exported


def _late_update_is_nagged(running: RunningBot, incident: Any) -> None:
    channel = incident.channel_id
    at(running, "12:08")
    submit_update(running, incident, user=COMMS, severity="2", preset="15")
    wait_published(running, channel, f"*Next update by {slack_time('12:23')}*")
    shows(running, incident, f"Next update due {slack_time('12:23')}", "next update 12:23 UTC")

    pass_to(running, "12:23")
    [nag] = dm_says(running, COMMS, f"was due {slack_time('12:23')}")
    assert "I'll ask the commander <@U001>" in nag
    notice = channel_says(running, channel, "is overdue")
    assert f"<@{COMMS}>, please post it" in notice
    shows(running, incident, f"*Next update overdue* since {slack_time('12:23')}", "")

    at(running, "12:25")
    submit_update(running, incident, user=COMMS, severity="2", preset="60")
    wait_published(running, channel, f"*Next update by {slack_time('13:25')}*")
    shows(running, incident, f"Next update due {slack_time('13:25')}", "next update 13:25 UTC")
    assert "overdue" not in summary_text(running, incident)


def _raised_to_sev1(running: RunningBot, incident: Any) -> None:
    at(running, "12:30")
    running.client.command("severity 1", channel_id=incident.channel_id)
    wait_until(lambda: running.incident().severity is Severity.SEV1)
    # SEV-1 owes an update every 30 minutes: the 13:25 promise is brought forward to 13:00.
    assert running.incident().next_update_due == running.clock.now() + minutes(30)
    raised = channel_says(running, incident.channel_id, "Severity changed from SEV-2 to SEV-1")
    assert f"<@{COMMS}>, the next update is now due {slack_time('13:00')}." in raised
    shows(running, incident, f"Next update due {slack_time('13:00')}", "next update 13:00 UTC")
    assert topic(running).startswith("SEV-1 · investigating")

    at(running, "12:40")
    before = running.slack.count("views.open")
    running.client.command("update", user_id=COMMS, channel_id=incident.channel_id)
    form = running.slack.wait_for("views.open", count=before + 1)[-1].args["view"]
    [preset] = [b for b in form["blocks"] if b.get("block_id") == "next_preset"]
    assert preset["element"]["initial_option"]["value"] == "30", "the form offers SEV-1's cadence"
    submit_update(running, incident, user=COMMS, status="identified", preset="30")
    wait_published(running, incident.channel_id, f"*Next update by {slack_time('13:10')}*")


def _resolved_reopened_nagged_and_resolved_again(running: RunningBot, incident: Any) -> None:
    channel = incident.channel_id
    at(running, "12:50")
    answer = submit_resolve(running, incident, fix="Rolled back the payment gateway release", impact=IMPACT)
    assert answer.status == 200 and not answer.body, answer.body
    assert "(SEV-1: Checkout failing" in channel_says(running, channel, "resolved at")
    wait_until(lambda: running.incident().status is Status.RESOLVED)
    shows(running, incident, "*Resolved*", "SEV-1 · resolved · IC: alice")
    assert "next update" not in topic(running) and "Next update" not in summary_text(running, incident)
    pass_to(running, "13:10")  # the promise ended with the incident: nobody is nagged
    assert not [t for t in _dms(running, COMMS) if slack_time("13:10") in t and "was due" in t]

    at(running, "13:12")
    running.client.command("status investigating", channel_id=channel)
    wait_until(lambda: running.incident().is_open)
    assert running.incident().next_update_due == running.clock.now() + minutes(30)
    shows(running, incident, f"Next update due {slack_time('13:42')}", "next update 13:42 UTC")
    reopened = channel_says(running, channel, "Status changed from resolved to investigating")
    assert f"<@{COMMS}>, the next update is now due {slack_time('13:42')}." in reopened

    pass_to(running, "13:42")
    dm_says(running, COMMS, f"was due {slack_time('13:42')}")
    at(running, "13:50")
    answer = submit_resolve(
        running, incident, fix="Rolled back the payment gateway release again", impact=IMPACT
    )
    assert answer.status == 200 and not answer.body, answer.body
    wait_until(lambda: running.incident().status is Status.RESOLVED)
    running.slack.wait_until(
        lambda: count_posts(running, channel, "resolved at") == 2, what="the second resolution post"
    )


def _postmortem(running: RunningBot, channel: str) -> None:
    told(running, "U001", "Shall I start the blameless postmortem")
    running.slack.clear_calls()
    ack = running.client.command("postmortem", channel_id=channel).body.decode()
    assert "Writing the postmortem draft" in ack
    document, _ = uploaded_document(running)
    assert "| Severity | SEV-1 (peak; declared SEV-2, raised to SEV-1 at 12:30 UTC) |" in document
    assert "| 2026-01-01 12:05 UTC | alice | Rolled back api & worker \\<v2.3\\> |" in document
    assert "| Communications lead | carol |\n| Scribe | Dana K |" in document
    assert (
        "| 2026-01-01 12:30 UTC | incidentbot | Next update moved from 13:25 UTC to 13:00 UTC |" in document
    )
    assert "| 2026-01-01 13:12 UTC | alice | Status changed from resolved to investigating |" in document
    assert "| 2026-01-01 13:12 UTC | incidentbot | Next update promised for 13:42 UTC |" in document
    assert "| 2026-01-01 13:42 UTC | incidentbot | Missed the update promised for 13:42 UTC |" in document
    assert "| Updates posted | 3 |" in document
    # Came due: 12:15 (kept at 12:08), 12:23 (missed), 13:00 (kept at 12:40), 13:42 (missed).
    assert "| Next-update times that came due | 4 |" in document
    assert "| Kept (an update came by the promised time) | 2 |" in document
    assert "| Missed (the time passed with no update) | 2 |" in document
    assert "| Reminders (nags) sent | 2 |" in document


def _dms(running: RunningBot, user: str) -> list[str]:
    dm = running.slack.dm_channel_id(user)
    calls = running.slack.ok_calls_to("chat.postMessage")
    return [str(c.args["text"]) for c in calls if c.args["channel"] in (dm, user)]
