"""Posting updates through `/incident update` and the form, end to end."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.cadence.commitment_rules import CommitmentState
from incidentbot.cadence.update_rules import Update
from incidentbot.incident.models import EventKind, Severity, Status
from tests.e2e.helpers import declare, wait_until
from tests.e2e.update_helpers import action_ids, submit_update, wait_published
from tests.support.harness import RunningBot
from tests.support.times import slack_time

FORM_BLOCKS = [
    "status",
    "severity",
    "theory",
    "tried",
    "doing",
    "impact",
    "customer_text",
    "next_preset",
    "next_at",
    "next_far",
]


def test_update_command_opens_the_form_with_severity_presets(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    response = running.client.command("update", user_id="U002", channel_id=incident.channel_id)
    assert response.status == 200
    view = running.slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "post_update"
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert list(blocks) == FORM_BLOCKS
    assert blocks["status"]["element"]["initial_option"]["value"] == "investigating"
    assert blocks["severity"]["element"]["initial_option"]["value"] == "1"
    assert blocks["impact"]["element"]["initial_value"] == "Users cannot complete checkout"
    preset = blocks["next_preset"]["element"]
    assert [o["value"] for o in preset["options"]] == ["15", "30", "60"]
    assert preset["initial_option"]["value"] == "30", "SEV-1 defaults to its 30 min cadence"
    assert blocks["next_at"]["element"]["type"] == "datetimepicker"


def test_update_command_outside_an_incident_channel_explains(running: RunningBot) -> None:
    text = running.client.command("update", channel_id="C0GENERAL").body.decode()
    assert "only inside an incident channel" in text


def test_summary_and_help_offer_the_update(running: RunningBot) -> None:
    incident = declare(running)
    summary = running.slack.last("chat.update")
    assert "open_update" in action_ids(summary)
    running.client.action("open_update", str(incident.id), channel_id=incident.channel_id)
    assert running.slack.wait_for("views.open")[0].args["view"]["callback_id"] == "post_update"
    assert "/incident update" in running.client.command("help").body.decode()


def test_posted_update_is_rendered_stored_timelined_and_summarised(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    running.clock.advance(timedelta(minutes=5))
    response = submit_update(
        running,
        incident,
        status="identified",
        theory="Bad config in the 11:50 deploy",
        tried="Restarted the API pods: no change",
        doing="bob rolls back; carol watches error rates",
        impact="Checkout fails for about 30% of users",
        customer="We're investigating failed checkouts; next update by 12:35 UTC.",
        preset="30",
    )
    assert response.status == 200 and not response.body
    post = wait_published(running, incident.channel_id, "Update on incident #1")
    text = post.args["text"]
    for fragment in (
        "*Status:* identified",
        "*Severity:* SEV-1",
        "*Commander:* <@U001>",
        "*Current theory:* Bad config in the 11:50 deploy",
        "*What we've tried:* Restarted the API pods: no change",
        "*Who is doing what:* bob rolls back; carol watches error rates",
        "*Impact:* Checkout fails for about 30% of users",
        f"*Next update by {slack_time('12:35')}*",
        "Posted by <@U002>",
    ):
        assert fragment in text
    summary = wait_until(
        lambda: next(
            (c for c in running.slack.calls_to("chat.update") if "12:35 UTC" in c.args["text"]), None
        )
    )
    assert f"*Next update due {slack_time('12:35')}*" in summary.args["text"]
    assert "*Status:* identified" in summary.args["text"]
    with running.services.store.transaction() as tx:
        [update] = tx.updates(incident.id)
        commitments = tx.commitments(incident.id)
        kinds = [e.kind for e in tx.events(incident.id)]
        changed = tx.get_incident(incident.id)
    assert update.author_id == "U002" and update.posted_at == running.clock.now()
    assert update.customer_text == "We're investigating failed checkouts; next update by 12:35 UTC."
    assert wait_until(lambda: _latest(running, incident.id).message_ts)
    assert [c.state for c in commitments] == [CommitmentState.MET, CommitmentState.OPEN]
    assert changed.status is Status.IDENTIFIED
    assert changed.next_update_due == running.clock.now() + timedelta(minutes=30)
    assert kinds[-2:] == [EventKind.STATUS_CHANGED, EventKind.UPDATE_POSTED]


def test_next_form_is_prefilled_from_the_previous_update(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    submit_update(running, incident, theory="Replica lag", doing="alice: failover")
    wait_published(running, incident.channel_id, "Replica lag")
    running.client.command("update", user_id="U002", channel_id=incident.channel_id)
    view = running.slack.wait_for("views.open")[0].args["view"]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert blocks["theory"]["element"]["initial_value"] == "Replica lag"
    assert blocks["doing"]["element"]["initial_value"] == "alice: failover"


def test_the_exact_time_wins_over_the_preset(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    exact = running.clock.now() + timedelta(minutes=42)
    submit_update(running, incident, preset="15", exact=int(exact.timestamp()))
    wait_published(running, incident.channel_id, f"*Next update by {slack_time('12:42')}*")
    assert running.incident().next_update_due == exact


def test_severity_change_in_an_update_applies_to_the_incident(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    submit_update(running, incident, severity="2", preset="60")
    wait_published(running, incident.channel_id, "Severity changed from SEV-1 to SEV-2")
    assert running.incident().severity is Severity.SEV2


def test_sev3_update_may_leave_the_next_time_open(running: RunningBot) -> None:
    incident = declare(running, comms="U002", severity="3")
    running.client.command("update", user_id="U002", channel_id=incident.channel_id)
    view = running.slack.wait_for("views.open")[0].args["view"]
    preset = next(b for b in view["blocks"] if b["block_id"] == "next_preset")["element"]
    assert preset["initial_option"]["value"] == "none"
    submit_update(running, incident, severity="3", preset="none")
    wait_published(running, incident.channel_id, "*Next update:* when the status changes")
    assert running.incident().next_update_due is None


def test_resolving_through_an_update_ends_the_commitments(running: RunningBot) -> None:
    incident = declare(running, comms="U002")
    submit_update(
        running, incident, user="U001", status="resolved", preset=None, theory="Rolled back; errors gone"
    )
    wait_published(running, incident.channel_id, "Status changed from investigating to resolved")
    resolved = running.incident()
    assert resolved.next_update_due is None
    with running.services.store.transaction() as tx:
        assert [c.state for c in tx.commitments(incident.id)] == [CommitmentState.MET]
        assert tx.live_commitment(incident.id) is None


def _latest(running: RunningBot, incident_id: int) -> Update:
    with running.services.store.transaction() as tx:
        found = tx.latest_update(incident_id)
    assert found is not None
    return found
